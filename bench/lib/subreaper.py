#!/usr/bin/env python3
"""Runs a command as a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER), so that orphans
of its descendants (a process whose parent died, as an sshd session's background child) are
reparented here rather than to init; reaps them and keeps the sum of their CPU (user+sys, with
what they reaped) in milliseconds in the file named by ORPHAN_CPU_FILE. Exits as the command.

  ORPHAN_CPU_FILE=/tmp/x python3 bench/lib/subreaper.py node bench/wrapper-cost.mjs ...
"""
import ctypes
import os
import sys

PR_SET_CHILD_SUBREAPER = 36
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    sys.exit("subreaper: prctl failed: " + os.strerror(ctypes.get_errno()))
out = os.environ["ORPHAN_CPU_FILE"]
with open(out, "w") as f:
    f.write("0\n")
child = os.fork()
if child == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
total = 0.0
status = 0
while True:
    try:
        pid, wstatus, usage = os.wait4(-1, 0)
    except ChildProcessError:
        break
    if pid == child:
        status = os.waitstatus_to_exitcode(wstatus)
        continue
    total += (usage.ru_utime + usage.ru_stime) * 1000
    with open(out + ".tmp", "w") as f:
        f.write("%.3f\n" % total)
    os.replace(out + ".tmp", out)
sys.exit(status if status >= 0 else 128 - status)

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeNodeExit } from '../../src/outcome/decode.js';
import type { Outcome } from '../../src/outcome/outcome.js';
import { wrapRemoteCommand } from '../../src/transport/remote-wrapper.js';
import {
  findProcesses,
  MarkerRegistry,
  survivors,
  tempDir,
  uniqueMarker,
  waitFor,
} from '../helpers/processes.js';

const markers = new MarkerRegistry();
const scratch = tempDir();
afterAll(() => scratch.remove());

const BUSYBOX = '/bin/busybox';
/** The tools the wrapper itself uses, taken from busybox where a host has nothing else. */
const BUSYBOX_TOOLS = ['sh', 'cat', 'awk', 'head', 'grep', 'setsid', 'sleep', 'rm', 'hostname'];

/**
 * How a host starts the wrapper. sshd runs `$SHELL -c LINE` with the channel as stdin; OpenSSH
 * makes that shell the leader of a new session (here: spawn's `detached`), Dropbear does not
 * ('none'), and a server could make it lead a process group only ('group').
 */
interface Host {
  readonly name: string;
  /** The login shell, also the user's $SHELL. */
  readonly shell: () => string;
  readonly start: 'session' | 'none' | 'group';
  /** Busybox's applets first on PATH, as on a host that has nothing else. */
  readonly busybox?: boolean;
}

function busyboxDir(): string {
  const dir = join(scratch.path, 'busybox');
  if (!existsSync(dir)) {
    mkdirSync(dir);
    for (const tool of BUSYBOX_TOOLS) symlinkSync(BUSYBOX, join(dir, tool));
  }
  return dir;
}

function hostEnv(host: Host): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SHELL: host.shell() };
  if (host.busybox) env.PATH = `${busyboxDir()}:${process.env.PATH ?? ''}`;
  return env;
}

interface Run {
  readonly runId: string;
  readonly killLine: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** EOF on the channel's stdin: what lwt sends when it gives up. */
  eof(): void;
  readonly result: Promise<{ outcome: Outcome; stdout: string; stderr: string }>;
}

/**
 * The wrapper is plain POSIX sh, so it can be checked here the way sshd runs it: a login
 * shell given the exec line, its stdin a pipe that lwt controls.
 */
function startWrapped(
  host: Host,
  command: string,
  options: { input?: string; dir?: string; graceSeconds?: number; stoppableParent?: boolean } = {},
): Run {
  const input = Buffer.from(options.input ?? '');
  const runId = `test-${uniqueMarker()}`;
  const wrapped = wrapRemoteCommand({
    command,
    dir: options.dir,
    inputBytes: input.length,
    graceSeconds: options.graceSeconds ?? 2,
    runId,
  });
  const login = [host.shell(), '-c', wrapped.line];
  // A parent that the test can stop, as sshd would be while it has not reaped the command yet:
  // setsid(1) forks from a group leader, and with -w waits for its child.
  if (options.stoppableParent && host.start === 'session') login.unshift('/usr/bin/setsid', '-w');
  if (host.start === 'group') login.unshift('/usr/bin/perl', '-e', 'setpgrp(0, 0); exec @ARGV');
  const [file, ...args] = login as [string, ...string[]];
  const child = spawn(file, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: hostEnv(host),
    detached: host.start === 'session',
  });
  // A command may end before it read all its input, as over SSH: the rest is dropped.
  child.stdin.on('error', () => undefined);
  if (input.length) child.stdin.write(input);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const result = new Promise<{ outcome: Outcome; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      child.stdin.destroy();
      resolve({ outcome: decodeNodeExit(code, signal), stdout, stderr });
    }),
  );
  return { runId, killLine: wrapped.killLine, child, eof: () => child.stdin.end(), result };
}

async function runWrapped(
  host: Host,
  command: string,
  options: { input?: string; dir?: string; graceSeconds?: number } = {},
) {
  // No EOF: lwt sends one only when it gives up on a command.
  return startWrapped(host, command, options).result;
}

/** State, ppid and session of a process, from /proc; undefined once it is reaped. */
function stat(pid: number): { state: string; ppid: number; sid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), sid: Number(fields[3]) };
  } catch {
    return undefined;
  }
}

/**
 * The watchdog (a fork of the script: its arguments hold the run id, and its parent is the
 * command's shell, which leads the session), that shell, and the shell's parent (which reaps it:
 * sshd, here the test or a stand-in).
 */
function wrapperOf(runId: string): { watchdog?: number; command?: number; parent?: number } {
  // A relaying script (a server that makes no session) is marked too, but in our session.
  const ours = stat(process.pid)?.sid;
  const marked = findProcesses(runId).map((p) => ({ pid: p.pid, ...stat(p.pid) }));
  const watchdog = marked.find((p) => p.sid !== p.pid && p.ppid === p.sid && p.sid !== ours);
  const command = watchdog?.ppid;
  return { watchdog: watchdog?.pid, command, parent: command ? stat(command)?.ppid : undefined };
}

/** Whether a process runs with exactly these arguments (not a shell that names them). */
function running(args: string): boolean {
  return findProcesses(args).some((p) => p.args === args);
}

const hosts: Host[] = [
  {
    name: 'OpenSSH (a session of its own), login shell bash',
    shell: () => '/bin/bash',
    start: 'session',
  },
  {
    name: 'a server that makes no session (Dropbear), login shell dash',
    shell: () => '/bin/sh',
    start: 'none',
  },
  {
    name: 'a server that makes a process group only, login shell dash',
    shell: () => '/bin/sh',
    start: 'group',
  },
  {
    name: 'OpenSSH, busybox sh and tools',
    shell: () => join(busyboxDir(), 'sh'),
    start: 'session',
    busybox: true,
  },
  {
    name: 'a server that makes no session, busybox sh and tools',
    shell: () => join(busyboxDir(), 'sh'),
    start: 'none',
    busybox: true,
  },
];

describe.each(hosts)('the remote wrapper under $name', (host) => {
  beforeAll(() => {
    if (host.busybox && !existsSync(BUSYBOX))
      throw new Error(`${BUSYBOX} is missing (apt-get install busybox)`);
  });
  afterEach(() => {
    expect(markers.reap()).toEqual([]);
  });

  it('passes the exit code, the output and exactly the given input through', async () => {
    const run = startWrapped(host, 'cat; echo "to err" >&2; exit 3', {
      input: 'line one\nline two',
    });
    // The command's EOF comes after its N bytes, long before the channel's.
    const r = await run.result;
    run.eof();
    expect(r.outcome).toEqual({ kind: 'exit', code: 3 });
    expect(r.stdout).toBe('line one\nline two');
    expect(r.stderr).toBe('to err\n');
  });

  it('runs in the given folder, and says so when the folder is missing', async () => {
    expect((await runWrapped(host, 'pwd', { dir: '/tmp' })).stdout).toBe('/tmp\n');
    const missing = await runWrapped(host, 'pwd', { dir: '/no/such/dir' });
    expect(missing.outcome).toEqual({ kind: 'exit', code: 126 });
    expect(missing.stderr).toMatch(/^lwt: cannot enter \/no\/such\/dir on \S+\n$/);
  });

  it('reports a command killed by a signal as that signal, and adds nothing to its stderr', async () => {
    const r = await runWrapped(host, 'echo before >&2; kill -SEGV $$');
    expect(r.outcome).toEqual({ kind: 'signal', signal: 'SIGSEGV', core: false });
    // sh prints "Segmentation fault" when it reaps such a child; plain ssh shows nothing.
    expect(r.stderr).toBe('before\n');
  });

  it('runs the command with SIGINT, SIGHUP and SIGTERM at their defaults, as plain ssh does', async () => {
    // A command started with `&` by a shell without job control would ignore SIGINT, and one
    // started while the script ignores a signal would ignore it too.
    for (const signal of ['INT', 'HUP', 'TERM']) {
      const r = await runWrapped(host, `kill -${signal} $$; echo survived`);
      expect(r.outcome).toEqual({ kind: 'signal', signal: `SIG${signal}`, core: false });
      expect(r.stdout).toBe('');
    }
  });

  it('stops the whole tree, background children included, when its stdin reaches EOF', async () => {
    // Several rounds: the session leader dies first, and the script once killed its watchdog
    // then, sparing the rest of the tree about one time in two. A grace of 600 s: a script
    // that did not see that TERM was enough would sit it out, and the test time out.
    for (let round = 0; round < 5; round++) {
      const marker = markers.next();
      const run = startWrapped(host, `sleep 1000.${marker} & sleep 1001.${marker}; echo never`, {
        graceSeconds: 600,
      });
      expect(
        await waitFor(() => running(`sleep 1000.${marker}`) && running(`sleep 1001.${marker}`)),
      ).toBe(true);
      run.eof();
      const r = await run.result;
      expect(r.outcome).toEqual({ kind: 'signal', signal: 'SIGTERM', core: false });
      expect(r.stdout).toBe('');
      expect(await survivors(marker)).toEqual([]);
    }
  });

  it('finds members whose names hold ") " and line breaks', async () => {
    // The name a process gives itself comes first in /proc/PID/stat; a naive split would
    // read a wrong session or pid from this one.
    const marker = markers.next();
    const dir = join(scratch.path, `odd-${marker}`);
    mkdirSync(dir);
    symlinkSync('/bin/sleep', join(dir, 'x) S 1\n1 (y'));
    const run = startWrapped(host, `cd ${dir} && ./* 1000.${marker} & sleep 1001.${marker}`, {
      graceSeconds: 600,
    });
    // ps shows the line break as a space.
    expect(
      await waitFor(
        () => running(`./x) S 1 1 (y 1000.${marker}`) && running(`sleep 1001.${marker}`),
      ),
    ).toBe(true);
    run.eof();
    expect((await run.result).outcome).toEqual({ kind: 'signal', signal: 'SIGTERM', core: false });
    expect(await survivors(marker)).toEqual([]);
  });

  it('kills with KILL after the grace when the tree ignores TERM, and catches setpgid children', async () => {
    const marker = markers.next();
    const run = startWrapped(
      host,
      `trap '' TERM; timeout 1000 sleep 1000.${marker} & sleep 1001.${marker}`,
      { graceSeconds: 1 },
    );
    // timeout(1) puts itself and its child in a process group of their own.
    expect(
      await waitFor(
        () =>
          running(`timeout 1000 sleep 1000.${marker}`) &&
          running(`sleep 1000.${marker}`) &&
          running(`sleep 1001.${marker}`),
      ),
    ).toBe(true);
    run.eof();
    const r = await run.result;
    expect(r.outcome).toEqual({ kind: 'signal', signal: 'SIGKILL', core: false });
    expect(await survivors(marker)).toEqual([]);
  });

  it('leaves alone what a command that ended by itself started on purpose', async () => {
    const marker = uniqueMarker();
    const run = startWrapped(host, `nohup sleep 1000.${marker} >/dev/null 2>&1 & echo started`);
    try {
      const r = await run.result;
      expect(r.outcome).toEqual({ kind: 'ok' });
      expect(r.stdout).toBe('started\n');
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(findProcesses(marker).map((p) => p.args)).toEqual([`sleep 1000.${marker}`]);
    } finally {
      run.eof();
      for (const p of findProcesses(marker)) process.kill(p.pid, 'SIGKILL');
    }
  });

  it('leaves it alone also when the EOF comes after the command ended but before sshd reaped it', async () => {
    // lwt gives up (EOF) at the moment the command ends: the watchdog reads that EOF while the
    // command's shell is a zombie. Held here by stopping the shell's parent meanwhile.
    const marker = uniqueMarker();
    const flag = join(scratch.path, `go-${marker}`);
    const run = startWrapped(
      host,
      `nohup sleep 1000.${marker} >/dev/null 2>&1 & while [ ! -e ${flag} ]; do sleep 0.05; done`,
      { stoppableParent: true },
    );
    let stopped: number | undefined;
    try {
      expect(await waitFor(() => running(`sleep 1000.${marker}`)), 'the sleep runs').toBe(true);
      const { watchdog, command, parent } = wrapperOf(run.runId);
      expect([watchdog, command, parent].every((pid) => pid !== undefined)).toBe(true);
      stopped = parent;
      process.kill(parent!, 'SIGSTOP');
      writeFileSync(flag, '');
      expect(await waitFor(() => stat(command!)?.state === 'Z'), 'a zombie').toBe(true);
      run.eof();
      // The watchdog reads the EOF, sees that the command has ended, and goes.
      const gone = () => [undefined, 'Z'].includes(stat(watchdog!)?.state);
      expect(await waitFor(gone), 'the watchdog is gone').toBe(true);
      process.kill(parent!, 'SIGCONT');
      stopped = undefined;
      const r = await run.result;
      expect(r.outcome).toEqual({ kind: 'ok' });
      expect(running(`sleep 1000.${marker}`)).toBe(true);
    } finally {
      if (stopped !== undefined) process.kill(stopped, 'SIGCONT');
      run.eof();
      for (const p of findProcesses(marker)) process.kill(p.pid, 'SIGKILL');
    }
  });

  it('keeps its watchdog when the command signals its own process group', async () => {
    // `kill 0` reaches every process of the caller's group, which here holds the watchdog.
    const marker = markers.next();
    const run = startWrapped(
      host,
      `trap '' HUP; kill -HUP 0; sleep 1000.${marker} & sleep 1001.${marker}`,
      { graceSeconds: 600 },
    );
    expect(
      await waitFor(() => running(`sleep 1000.${marker}`) && running(`sleep 1001.${marker}`)),
    ).toBe(true);
    run.eof();
    expect((await run.result).outcome).toEqual({ kind: 'signal', signal: 'SIGTERM', core: false });
    expect(await survivors(marker)).toEqual([]);
  });

  it('gives a kill line that stops the tree over a second channel when the watchdog is wedged', async () => {
    const marker = markers.next();
    const other = markers.next();
    const run = startWrapped(
      host,
      `sleep 1000.${marker} & timeout 1000 sleep 1001.${marker}; echo never`,
      { graceSeconds: 600 },
    );
    // Another command of the same user, which the kill line must leave alone.
    const bystander = startWrapped(host, `sleep 1002.${other}`, { graceSeconds: 600 });
    expect(
      await waitFor(
        () =>
          running(`sleep 1000.${marker}`) &&
          running(`sleep 1001.${marker}`) &&
          running(`sleep 1002.${other}`),
      ),
    ).toBe(true);
    const { watchdog } = wrapperOf(run.runId);
    expect(watchdog).toBeDefined();
    process.kill(watchdog!, 'SIGSTOP');
    run.eof();
    const kill = spawnSync(host.shell(), ['-c', run.killLine], {
      env: hostEnv(host),
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(kill.status).toBe(0);
    expect(kill.stderr).toBe('');
    const r = await run.result;
    expect(r.outcome).toEqual({ kind: 'signal', signal: 'SIGKILL', core: false });
    expect(await survivors(marker)).toEqual([]);
    expect(running(`sleep 1002.${other}`)).toBe(true);
    bystander.eof();
    expect((await bystander.result).outcome).toEqual({
      kind: 'signal',
      signal: 'SIGTERM',
      core: false,
    });
    // Its watchdog may outlive the command by one look at /proc.
    expect(await survivors(other)).toEqual([]);
  });

  it('gives a kill line that does nothing once the command has ended', async () => {
    const run = startWrapped(host, 'true');
    expect((await run.result).outcome).toEqual({ kind: 'ok' });
    run.eof();
    const kill = spawnSync(host.shell(), ['-c', run.killLine], {
      env: hostEnv(host),
      encoding: 'utf8',
    });
    expect([kill.status, kill.stdout, kill.stderr]).toEqual([0, '', '']);
  });
});

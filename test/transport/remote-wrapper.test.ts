import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeNodeExit } from '../../src/outcome/decode.js';
import type { Outcome } from '../../src/outcome/outcome.js';
import { wrapRemoteCommand } from '../../src/transport/remote-wrapper.js';
import {
  findProcesses,
  MarkerRegistry,
  survivors,
  uniqueMarker,
  waitFor,
} from '../helpers/processes.js';

const markers = new MarkerRegistry();

/**
 * The wrapper is plain POSIX sh, so it can be checked here the way sshd runs it: a login
 * shell given the exec line, its stdin a pipe that lwt controls.
 */
function runWrapped(
  command: string,
  options: {
    input?: string;
    dir?: string;
    graceSeconds?: number;
    eofAfterMs?: number;
  } = {},
): Promise<{ outcome: Outcome; stdout: string; stderr: string }> {
  const input = Buffer.from(options.input ?? '');
  const wrapped = wrapRemoteCommand({
    command,
    dir: options.dir,
    inputBytes: input.length,
    graceSeconds: options.graceSeconds ?? 2,
    runId: `test-${uniqueMarker()}`,
  });
  const child = spawn('/bin/bash', ['-c', wrapped.line], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, SHELL: '/bin/sh' },
  });
  // A command may end before it read all its input, as over SSH: the rest is dropped.
  child.stdin.on('error', () => undefined);
  if (input.length) child.stdin.write(input);
  if (options.eofAfterMs !== undefined) setTimeout(() => child.stdin.end(), options.eofAfterMs);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      child.stdin.destroy();
      resolve({ outcome: decodeNodeExit(code, signal), stdout, stderr });
    }),
  );
}

describe('the remote wrapper', () => {
  afterEach(() => {
    expect(markers.reap()).toEqual([]);
  });

  it('passes the exit code, the output and exactly the given input through', async () => {
    const r = await runWrapped('cat; echo "to err" >&2; exit 3', {
      input: 'line one\nline two',
      eofAfterMs: 2000,
    });
    expect(r.outcome).toEqual({ kind: 'exit', code: 3 });
    expect(r.stdout).toBe('line one\nline two');
    expect(r.stderr).toBe('to err\n');
  });

  it('runs in the given folder, and says so when the folder is missing', async () => {
    expect((await runWrapped('pwd', { dir: '/tmp', eofAfterMs: 2000 })).stdout).toBe('/tmp\n');
    const missing = await runWrapped('pwd', { dir: '/no/such/dir', eofAfterMs: 2000 });
    expect(missing.outcome).toEqual({ kind: 'exit', code: 126 });
    expect(missing.stderr).toMatch(/cannot enter \/no\/such\/dir/);
  });

  it('reports a command killed by a signal as that signal, as plain ssh does', async () => {
    const r = await runWrapped('kill -SEGV $$', { eofAfterMs: 2000 });
    expect(r.outcome).toEqual({ kind: 'signal', signal: 'SIGSEGV', core: false });
  });

  it('stops the whole tree, background children included, when its stdin reaches EOF', async () => {
    // Several rounds: the session leader dies first, and the script once killed its watchdog
    // then, sparing the rest of the tree about one time in two.
    for (let round = 0; round < 5; round++) {
      const marker = markers.next();
      const started = Date.now();
      const done = runWrapped(`sleep 1000.${marker} & sleep 1001.${marker}; echo never`, {
        eofAfterMs: 300,
      });
      expect(await waitFor(() => findProcesses(marker).length >= 2)).toBe(true);
      const r = await done;
      expect(r.outcome).toEqual({ kind: 'signal', signal: 'SIGTERM', core: false });
      expect(r.stdout).toBe('');
      expect(await survivors(marker)).toEqual([]);
      // TERM was enough: the script did not sit out the 2 s grace.
      expect(Date.now() - started).toBeLessThan(1800);
    }
  });

  it('leaves alone what a command that ended by itself started on purpose', async () => {
    const marker = uniqueMarker();
    const r = await runWrapped(`nohup sleep 1000.${marker} >/dev/null 2>&1 & echo started`, {
      eofAfterMs: 300,
    });
    try {
      expect(r.outcome).toEqual({ kind: 'ok' });
      expect(r.stdout).toBe('started\n');
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(findProcesses(marker).map((p) => p.args)).toEqual([`sleep 1000.${marker}`]);
    } finally {
      for (const p of findProcesses(marker)) process.kill(p.pid, 'SIGKILL');
    }
  });

  it('kills with KILL after the grace when the tree ignores TERM, and catches setpgid children', async () => {
    const marker = markers.next();
    const started = Date.now();
    const r = await runWrapped(
      `trap '' TERM; timeout 1000 sleep 1000.${marker} & sleep 1001.${marker}`,
      { eofAfterMs: 300, graceSeconds: 1 },
    );
    expect(r.outcome).toEqual({ kind: 'signal', signal: 'SIGKILL', core: false });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await survivors(marker)).toEqual([]);
  });
});

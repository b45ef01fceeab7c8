import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoreLauncherEnv } from '../../src/cli/entry.js';
import { bins, repoRoot } from '../helpers/lwt-process.js';

/** Runs a bin (bin/lwt unless given) as a shell would start it: its `#!` line, not `node bin`. */
function runBin(
  args: readonly string[],
  input: string,
  env: NodeJS.ProcessEnv,
  bin: string = bins.lwt,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * Whether this kernel gives transparent huge pages to memory that asks for them: its mode is
 * `madvise` (in `always` every mapping is eligible, asked or not; in `never`, none is).
 */
function hugePagesOnRequest(): boolean {
  try {
    return readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8').includes(
      '[madvise]',
    );
  } catch {
    return false;
  }
}

/** Our environment without LWT_* settings, which lwt would read as options. */
const cleanEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LWT_')));

describe('the bin launcher', () => {
  it('passes arguments, input and the exit code through', async () => {
    const result = await runBin(
      ['run', '-j', '1', '--tag', 'none'],
      `printf '%s|' "a  b" 'c"d'; exit 3\n`,
      cleanEnv(),
    );
    expect(result.stdout).toBe('a  b|c"d|\n');
    expect(result.code).toBe(1);
  });

  it('exists for every bin in package.json, each starting its own command', async () => {
    const { bin } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const helps: Record<string, string> = {};
    for (const [name, path] of Object.entries(bin)) {
      const result = await runBin(['--help'], '', cleanEnv(), join(repoRoot, path));
      helps[name] = `${result.code} ${result.stdout.split('\n')[0]}`;
    }
    expect(helps).toEqual({
      lwt: '0 lwt <command> [options]',
      'execute-all': '0 lwt exec [command..]',
      multiprocess: '0 lwt run [file]',
      'put-all': '0 lwt put [paths..]',
      'put-all-diff': '0 lwt put [paths..]',
      'get-all': '0 lwt get [remote] [localdir]',
    });
  });

  it('starts put and get too: a usage error comes back as exit 2', async () => {
    for (const command of ['put', 'put-all', 'get', 'get-all']) {
      const result = await runBin([command, 'only-one-path'], '', cleanEnv());
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^lwt: /);
    }
  });

  it('starts `lwt put` with glibc told to keep its memory, unless the user set GLIBC_TUNABLES; `lwt get` and the rest without', async () => {
    const ours = await environOfRunning(['put'], {});
    // glibc cuts the variable at its first ':' in the memory /proc shows (it parses it in
    // place); node itself sees the whole value.
    expect(ours.GLIBC_TUNABLES).toMatch(/^glibc\.malloc\.trim_threshold=\d+/);
    expect(ours._LWT_GLIBC_TUNABLES).toBe('set');
    const putAll = await environOfRunning([], {}, join(repoRoot, 'bin', 'put-all'));
    expect(putAll.GLIBC_TUNABLES).toBe(ours.GLIBC_TUNABLES);
    const lwtPutAll = await environOfRunning(['put-all'], {});
    expect(lwtPutAll.GLIBC_TUNABLES).toBe(ours.GLIBC_TUNABLES);

    const theirs = await environOfRunning(['put'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
    expect(theirs.GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2');
    expect(theirs._LWT_GLIBC_TUNABLES).toBeUndefined();

    const get = await environOfRunning(['get'], {});
    expect(get.GLIBC_TUNABLES).toBeUndefined();
  });

  it.skipIf(!hugePagesOnRequest())(
    "starts `lwt put` with glibc's memory eligible for transparent huge pages",
    async () => {
      const eligible = (own: boolean) =>
        whileRunning(
          ['put'],
          own ? { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' } : {},
          bins.lwt,
          async (pid) => {
            // glibc advises its heap as it grows, which node's start does within a few ms: a
            // process that has none advised after 2 s of trying to connect is not getting any.
            const deadline = Date.now() + (own ? 2_000 : 10_000);
            for (;;) {
              const smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
              if (/^THPeligible:\s+1$/m.test(smaps)) return true;
              if (Date.now() > deadline) return false;
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
          },
        );
      expect(await eligible(false)).toBe(true);
      // A user's own GLIBC_TUNABLES replaces the launcher's, and with it the advice.
      expect(await eligible(true)).toBe(false);
    },
  );
});

describe('restoreLauncherEnv', () => {
  it("takes out the launcher's GLIBC_TUNABLES", () => {
    const env: NodeJS.ProcessEnv = {
      GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1',
      _LWT_GLIBC_TUNABLES: 'set',
      PATH: '/bin',
    };
    restoreLauncherEnv(env);
    expect(env).toEqual({ PATH: '/bin' });
  });

  it("leaves the user's own GLIBC_TUNABLES alone", () => {
    const env: NodeJS.ProcessEnv = { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' };
    restoreLauncherEnv(env);
    expect(env).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
  });
});

/**
 * The environment node was started with by a bin's sh line, read from /proc while the command
 * waits for a loopback host that accepts and never speaks (the run is stopped right after).
 * `args` is the command (put, get or none for an LWT-named bin); a file and a destination
 * are added.
 */
async function environOfRunning(
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv,
  bin: string = bins.lwt,
): Promise<Record<string, string>> {
  return whileRunning(args, extraEnv, bin, async (pid) => {
    const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return Object.fromEntries(
      entries.filter(Boolean).map((entry) => {
        const at = entry.indexOf('=');
        return [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  });
}

/**
 * Starts `bin args` against a host that never answers, waits until node runs in its process,
 * and returns what `inspect` finds there.
 */
async function whileRunning<T>(
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv,
  bin: string,
  inspect: (pid: number) => Promise<T>,
): Promise<T> {
  const held: Socket[] = [];
  const silent = createServer((socket) => held.push(socket)).listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const address = silent.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const dir = mkdtempSync(join(tmpdir(), 'lwt-launcher-'));
  writeFileSync(join(dir, 'file'), 'x');
  const paths =
    args[0] === 'get'
      ? ['/tmp/lwt-nothing', join(dir, 'out')]
      : [join(dir, 'file'), '/tmp/lwt-nothing'];
  const child = spawn(
    bin,
    [...args, '-w', `127.0.0.1:${address.port}`, '--connect-timeout', '20', ...paths],
    { cwd: dir, env: { ...cleanEnv(), ...extraEnv }, stdio: 'ignore' },
  );
  try {
    // The sh line execs node in the same process; wait until node is the one running.
    const deadline = Date.now() + 10_000;
    while (readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0')[0] !== 'node') {
      if (Date.now() > deadline) throw new Error('node did not start');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return await inspect(child.pid as number);
  } finally {
    child.kill('SIGKILL');
    await once(child, 'close').catch(() => undefined);
    held.forEach((socket) => socket.destroy());
    silent.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

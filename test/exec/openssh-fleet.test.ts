import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  deadHostAddress,
  sshdAvailable,
  startFrozenHost,
  startSshFleet,
  type FrozenHost,
  type SshFleet,
} from '../../src/testing/index.js';
import {
  normalizeSummary,
  runLwtNoInput as runLwt,
  startLwt as startWithInput,
  startLwtNoInput as startLwt,
} from '../helpers/lwt-process.js';
import {
  findProcesses,
  MarkerRegistry,
  survivors,
  tempDir,
  waitFor,
} from '../helpers/processes.js';

/** How many `sleep <seconds>` processes run now (the wrappers' own command lines also hold it). */
const sleeping = (seconds: string) =>
  findProcesses(seconds).filter((p) => p.args === `sleep ${seconds}`).length;

/**
 * `lwt exec` as a user runs it (the built bin), against a real OpenSSH sshd answering as
 * 127.0.0.2-4, plus hosts that fail the ways real ones do.
 */
describe.skipIf(!sshdAvailable())('lwt exec against a real sshd', () => {
  let fleet: SshFleet;
  let frozen: FrozenHost;
  const markers = new MarkerRegistry();
  const hosts = '127.0.0.[2-4]';
  const ssh = () => ['-F', fleet.sshConfigPath];

  beforeAll(async () => {
    fleet = await startSshFleet({ hosts: 3 });
    frozen = await startFrozenHost();
  });
  afterAll(async () => {
    await frozen?.stop();
    await fleet?.stop();
  });
  afterEach(() => {
    expect(markers.reap()).toEqual([]);
  });

  it('runs on every host and prefixes each line with its host', async () => {
    const r = await runLwt([
      'exec',
      ...ssh(),
      '-w',
      hosts,
      '--',
      'echo "hi from $(id -un)"; echo oops >&2',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      '127.0.0.2: hi from root',
      '127.0.0.3: hi from root',
      '127.0.0.4: hi from root',
    ]);
    expect(normalizeSummary(r.stderr).split('\n').sort()).toEqual(
      [
        '',
        '127.0.0.2: oops',
        '127.0.0.3: oops',
        '127.0.0.4: oops',
        'lwt exec: 3 ok (3 hosts in Xs)',
      ].sort(),
    );
  });

  it('gathers identical output once under a folded host list (-b)', async () => {
    const r = await runLwt([
      'exec',
      ...ssh(),
      '-w',
      hosts,
      '-b',
      '--',
      'echo same; [ "$SSH_CONNECTION" ] && case "$SSH_CONNECTION" in *127.0.0.4*) exit 5;; esac',
    ]);
    expect(r.code).toBe(1);
    const rule = '-'.repeat(15);
    expect(r.stdout).toBe(
      [
        rule,
        '127.0.0.[2-3] (2)',
        rule,
        'same',
        rule,
        '127.0.0.4 (1) exit 5',
        rule,
        'same',
        '',
      ].join('\n'),
    );
  });

  it('writes one JSON object per host and nothing else on stdout (--json)', async () => {
    const r = await runLwt([
      'exec',
      ...ssh(),
      '-w',
      '127.0.0.2',
      '--json',
      '--',
      'printf "a\\nb"; exit 3',
    ]);
    expect(r.code).toBe(1);
    const objects = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects).toHaveLength(1);
    expect(objects[0]).toMatchObject({
      host: '127.0.0.2',
      user: 'root',
      port: fleet.port,
      outcome: { kind: 'exit', code: 3 },
      stdout: 'a\nb',
      stderr: '',
    });
    expect(Object.keys(objects[0] ?? {}).sort()).toEqual(
      [
        'durationMs',
        'host',
        'outcome',
        'port',
        'startedAt',
        'stderr',
        'stderrBytes',
        'stderrTruncated',
        'stdout',
        'stdoutBytes',
        'stdoutTruncated',
        'user',
      ].sort(),
    );
  });

  it('writes <host>.out, .err and .status files (-o)', async () => {
    const out = tempDir();
    try {
      const r = await runLwt([
        'exec',
        ...ssh(),
        '-w',
        '127.0.0.[2-3]',
        '-o',
        out.path,
        '--',
        'echo out; echo err >&2',
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      for (const host of ['127.0.0.2', '127.0.0.3']) {
        expect(readFileSync(join(out.path, `${host}.out`), 'utf8')).toBe('out\n');
        expect(readFileSync(join(out.path, `${host}.err`), 'utf8')).toBe('err\n');
        const status = JSON.parse(readFileSync(join(out.path, `${host}.status`), 'utf8')) as {
          outcome: unknown;
        };
        expect(status.outcome).toEqual({ kind: 'ok' });
      }
    } finally {
      out.remove();
    }
  });

  it('takes one tag a -g, and the words after it as the command, without --', async () => {
    const dir = tempDir();
    try {
      const hostsFile = join(dir.path, 'hosts');
      writeFileSync(hostsFile, '127.0.0.2 tags=web\n127.0.0.3 tags=db\n127.0.0.4 tags=web\n');
      const lines = (r: { stdout: string }) => r.stdout.split('\n').filter(Boolean).sort();
      const web = await runLwt(['exec', ...ssh(), '-H', hostsFile, '-g', 'web', 'echo', 'hi']);
      expect(web.code).toBe(0);
      expect(lines(web)).toEqual(['127.0.0.2: hi', '127.0.0.4: hi']);
      const both = await runLwt([
        'exec',
        ...ssh(),
        '-H',
        hostsFile,
        '-g',
        'web',
        '-g',
        'db',
        'echo',
        'hi',
      ]);
      expect(both.code).toBe(0);
      expect(lines(both)).toEqual(['127.0.0.2: hi', '127.0.0.3: hi', '127.0.0.4: hi']);
    } finally {
      dir.remove();
    }
  });

  it('sends standard input to every host, and runs in the host home', async () => {
    const dir = tempDir();
    try {
      const hostsFile = join(dir.path, 'hosts');
      writeFileSync(hostsFile, `127.0.0.2 home=${dir.path}\n127.0.0.3\n`);
      const r = await runLwt(['exec', ...ssh(), '-H', hostsFile, '-b', '--', 'cat; pwd'], {
        input: 'piped data\n',
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`piped data\n${dir.path}\n`);
      expect(r.stdout).toContain('127.0.0.3 (1)\n');
    } finally {
      dir.remove();
    }
  });

  it('takes the ssh config from LWT_SSH_CONFIG, the long twin of -F', async () => {
    // Without it lwt would try 127.0.0.2 on port 22, where nothing listens.
    const r = await runLwt(['exec', '-w', '127.0.0.2', '--', 'echo via env'], {
      env: { LWT_SSH_CONFIG: fleet.sshConfigPath },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('127.0.0.2: via env\n');
  });

  it('with -n leaves the remote stdin empty and does not wait for a stdin that never ends', async () => {
    // startWithInput without input keeps our stdin an open pipe, as a parent that never
    // closes it would; without -n lwt would wait for its end.
    const r = await startWithInput(['exec', ...ssh(), '-w', '127.0.0.2', '-n', '--', 'wc -c'], {
      hangMs: 15_000,
    }).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('127.0.0.2: 0\n');
  });

  it('gives a dead host and a frozen host their outcome within the connect deadline', async () => {
    const dead = await deadHostAddress();
    const started = Date.now();
    const r = await runLwt([
      'exec',
      ...ssh(),
      '--connect-timeout',
      '2',
      '--json',
      '-w',
      `127.0.0.2,${dead.address}:${dead.port},${frozen.address}:${frozen.port}`,
      '--',
      'true',
    ]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(4);
    const outcomes = Object.fromEntries(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => {
          const o = JSON.parse(l) as {
            host: string;
            outcome: { kind: string; stage?: string; phase?: string };
          };
          return [o.host, o.outcome];
        }),
    );
    expect(outcomes['127.0.0.2']).toEqual({ kind: 'ok' });
    expect(outcomes[`${dead.address}:${dead.port}`]).toMatchObject({
      kind: 'unreachable',
      stage: 'refused',
    });
    expect(outcomes[`${frozen.address}:${frozen.port}`]).toEqual({
      kind: 'timeout',
      phase: 'connect',
      afterMs: 2000,
    });
  });

  it('stops the whole remote tree on timeout, background children included (root)', async () => {
    const marker = markers.next();
    const r = await runLwt([
      'exec',
      ...ssh(),
      '-w',
      hosts,
      '-t',
      '1',
      '--',
      `sleep 1000.${marker} & sleep 1001.${marker}; echo never`,
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(normalizeSummary(r.stderr)).toContain(
      'lwt exec: 0 ok, 3 timed out (3 hosts in Xs)\n  127.0.0.[2-4]: timed out after 1.0s\n',
    );
    expect(await survivors(marker)).toEqual([]);
  });

  it('stops the remote trees on Ctrl-C and exits 130', async () => {
    const marker = markers.next();
    const run = startLwt([
      'exec',
      ...ssh(),
      '-w',
      hosts,
      '--',
      `sleep 1000.${marker} & sleep 1001.${marker}`,
    ]);
    expect(await waitFor(() => sleeping(`1001.${marker}`) === 3)).toBe(true);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(normalizeSummary(r.stderr)).toContain('3 canceled (3 hosts in Xs, interrupted)');
    expect(await survivors(marker)).toEqual([]);
  });

  it('reports a host whose sshd session is killed mid-command, and leaves nothing running', async () => {
    const marker = markers.next();
    const run = startLwt([
      'exec',
      ...ssh(),
      '-w',
      '127.0.0.2',
      '--json',
      '--',
      `sleep 1000.${marker}`,
    ]);
    expect(await waitFor(() => sleeping(`1000.${marker}`) === 1)).toBe(true);
    await fleet.killConnections({ keepCommands: true });
    const r = await run.done;
    expect(r.code).toBe(4);
    const line = JSON.parse(r.stdout) as { outcome: unknown };
    expect(line.outcome).toEqual({
      kind: 'unreachable',
      stage: 'reset',
      message: 'connection lost before the command ended',
    });
    // The orphaned command is stopped by the watchdog once its channel is gone.
    expect(await survivors(marker, 6_000)).toEqual([]);
  });

  it('refuses an unknown host key with --host-key-check yes, and says when no key is accepted', async () => {
    const dir = tempDir();
    try {
      const empty = join(dir.path, 'known_hosts');
      writeFileSync(empty, '');
      const config = join(dir.path, 'config');
      writeFileSync(
        config,
        readFileSync(fleet.sshConfigPath, 'utf8').replace(fleet.knownHostsPath, empty),
      );
      const strict = await runLwt([
        'exec',
        '-F',
        config,
        '--host-key-check',
        'yes',
        '--json',
        '-w',
        '127.0.0.2',
        '--',
        'true',
      ]);
      expect(strict.code).toBe(4);
      expect(JSON.parse(strict.stdout).outcome).toMatchObject({
        kind: 'unreachable',
        stage: 'hostkey',
      });
      expect(JSON.parse(strict.stdout).outcome.message).toMatch(
        /no known host key for \[127\.0\.0\.2\]:\d+ \(offered ssh-ed25519 SHA256:/,
      );

      // A key the fleet never saw, and no other key on offer.
      const { execFileSync } = await import('node:child_process');
      execFileSync('ssh-keygen', [
        '-q',
        '-t',
        'ed25519',
        '-N',
        '',
        '-f',
        join(dir.path, 'stranger'),
      ]);
      const noKeyConfig = join(dir.path, 'config-nokey');
      writeFileSync(
        noKeyConfig,
        readFileSync(config, 'utf8').replace(
          /IdentityFile .*/,
          `IdentityFile ${join(dir.path, 'stranger')}`,
        ),
      );
      const refused = await runLwt([
        'exec',
        '-F',
        noKeyConfig,
        '--host-key-check',
        'no',
        '--json',
        '-w',
        '127.0.0.2',
        '--',
        'true',
      ]);
      expect(refused.code).toBe(4);
      expect(JSON.parse(refused.stdout).outcome).toMatchObject({
        kind: 'unreachable',
        stage: 'auth',
      });
    } finally {
      dir.remove();
    }
  });

  it('refuses a changed host key and names host and fingerprint', async () => {
    const separate = await startSshFleet({ hosts: 1, firstAddress: 20 });
    try {
      await separate.rotateHostKey();
      const r = await runLwt([
        'exec',
        '-F',
        separate.sshConfigPath,
        '--json',
        '-w',
        '127.0.0.20',
        '--',
        'true',
      ]);
      expect(r.code).toBe(4);
      const outcome = (
        JSON.parse(r.stdout) as { outcome: { kind: string; stage: string; message: string } }
      ).outcome;
      expect(outcome.stage).toBe('hostkey');
      expect(outcome.message).toMatch(
        new RegExp(
          `host key for \\[127\\.0\\.0\\.20\\]:${separate.port} has changed \\(now ssh-ed25519 SHA256:\\S+;`,
        ),
      );
    } finally {
      await separate.stop();
    }
  });

  it('reaches a host through a ProxyJump host, and fails when the jump host is dead', async () => {
    const dir = tempDir();
    try {
      const dead = await deadHostAddress();
      const base = readFileSync(fleet.sshConfigPath, 'utf8');
      const viaJump = join(dir.path, 'jump');
      // ssh matches Host blocks against the alias, so the target's block says everything.
      const target = (jump: string) =>
        [
          'Host target',
          '  HostName 127.0.0.3',
          `  Port ${fleet.port}`,
          `  User ${fleet.user}`,
          `  IdentityFile ${fleet.privateKeyPath}`,
          `  UserKnownHostsFile ${fleet.knownHostsPath}`,
          `  ProxyJump ${jump}`,
          '',
          base,
        ].join('\n');
      writeFileSync(viaJump, target('127.0.0.2'));
      const ok = await runLwt([
        'exec',
        '-F',
        viaJump,
        '-w',
        'target',
        '--',
        'echo "$SSH_CONNECTION"',
      ]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(new RegExp(`^target: \\S+ \\d+ 127\\.0\\.0\\.3 ${fleet.port}\\n$`));
      const viaDead = join(dir.path, 'dead-jump');
      writeFileSync(viaDead, target(`${dead.address}:${dead.port}`));
      const bad = await runLwt(['exec', '-F', viaDead, '--json', '-w', 'target', '--', 'true']);
      expect(bad.code).toBe(4);
      expect(JSON.parse(bad.stdout).outcome).toMatchObject({
        kind: 'unreachable',
        stage: 'refused',
      });
    } finally {
      dir.remove();
    }
  });
});

describe.skipIf(!sshdAvailable())('lwt exec as a non-root user', () => {
  let fleet: SshFleet | undefined;
  const markers = new MarkerRegistry();

  beforeAll(async () => {
    fleet = await startSshFleet({ hosts: 2, user: 'nonroot' });
  });
  afterAll(async () => {
    await fleet?.stop();
  });
  afterEach(() => {
    expect(markers.reap()).toEqual([]);
  });

  it('stops the whole remote tree on timeout and on Ctrl-C', async () => {
    if (!fleet) throw new Error('no fleet');
    const args = ['exec', '-F', fleet.sshConfigPath, '-w', '127.0.0.[2-3]'];
    const marker = markers.next();
    const tree = `id -un; sleep 1000.${marker} & sleep 1001.${marker}`;
    const timedOut = await runLwt([...args, '-t', '1', '--', tree]);
    expect(timedOut.code).toBe(3);
    expect(timedOut.stdout.split('\n').sort()).toEqual([
      '',
      '127.0.0.2: lwt-test',
      '127.0.0.3: lwt-test',
    ]);
    expect(await survivors(marker)).toEqual([]);

    const run = startLwt([...args, '--', tree]);
    expect(await waitFor(() => sleeping(`1001.${marker}`) === 2)).toBe(true);
    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(130);
    expect(await survivors(marker)).toEqual([]);
  });
});

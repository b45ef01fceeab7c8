import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SshSettings } from '../../src/hosts/index.js';
import { sshdAvailable, startSshFleet, type SshFleet } from '../../src/testing/index.js';
import { connectSsh, type ConnectOptions } from '../../src/transport/ssh2/connect.js';
import { MarkerRegistry, survivors, tempDir } from '../helpers/processes.js';

/** A host reached only through `proxyCommand`; nothing listens at its address. */
const viaProxy = (proxyCommand: string, alias = 'web1'): SshSettings => ({
  alias,
  hostname: '127.0.0.1',
  port: 1,
  user: 'nobody',
  identityFiles: [],
  identitiesOnly: true,
  proxyJump: [],
  proxyCommand,
  userKnownHostsFiles: [],
});

function connect(settings: SshSettings, more: Partial<ConnectOptions> = {}) {
  const notes: string[] = [];
  const started = performance.now();
  const result = connectSsh(settings, {
    connectTimeoutMs: 10_000,
    keepaliveIntervalMs: 5_000,
    keepaliveCountMax: 3,
    hostKeyPolicy: 'no',
    onNote: (message) => notes.push(message),
    ...more,
  });
  return result.then((r) => ({ ...r, notes, ms: performance.now() - started }));
}

describe('a ProxyCommand that fails', () => {
  const markers = new MarkerRegistry();
  const dir = tempDir();
  afterEach(() => {
    expect(markers.reap()).toEqual([]);
  });
  afterAll(() => dir.remove());

  it('that exits at once is unreachable (proxy), with its status and first stderr line', async () => {
    const marker = markers.next();
    const r = await connect(
      viaProxy(`sh -c 'echo "boom.$0" >&2; echo second >&2; exit 3' ${marker}`),
    );
    expect(r).toMatchObject({
      ok: false,
      outcome: {
        kind: 'unreachable',
        stage: 'proxy',
        message: `ProxyCommand failed (exit status 3): boom.${marker}`,
      },
    });
    // Its stderr reaches the user, a line each, prefixed with the host.
    expect(r.notes).toEqual([`web1: ProxyCommand: boom.${marker}`, 'web1: ProxyCommand: second']);
    expect(await survivors(marker)).toEqual([]);
  });

  it('that is not found or not executable says so, with the shell status', async () => {
    const marker = markers.next();
    const missing = await connect(viaProxy(`no-such-proxy-${marker} %h`));
    expect(missing).toMatchObject({
      ok: false,
      outcome: {
        kind: 'unreachable',
        stage: 'proxy',
        message: expect.stringMatching(
          new RegExp(
            `^ProxyCommand failed \\(exit status 127\\): .*no-such-proxy-${marker}.*not found`,
          ),
        ),
      },
    });

    const script = join(dir.path, `not-executable-${marker}`);
    writeFileSync(script, '#!/bin/sh\nexec nc "$@"\n');
    chmodSync(script, 0o644);
    const denied = await connect(viaProxy(`${script} 127.0.0.1 22`));
    expect(denied).toMatchObject({
      ok: false,
      outcome: {
        kind: 'unreachable',
        stage: 'proxy',
        message: expect.stringMatching(
          /^ProxyCommand failed \(exit status 126\): .*Permission denied/,
        ),
      },
    });
  });

  it('that prints something other than SSH says what it printed', async () => {
    const ended = await connect(viaProxy(`printf 'HTTP/1.1 400 Bad Request\\r\\n\\r\\n'`));
    expect(ended).toMatchObject({
      ok: false,
      outcome: {
        kind: 'unreachable',
        stage: 'proxy',
        message:
          'ProxyCommand failed (exit status 0): its output is not SSH: "HTTP/1.1 400 Bad Request"',
      },
    });
    // Without end: ssh2 gives up on the greeting, and the command is stopped.
    const marker = markers.next();
    const endless = await connect(viaProxy(`yes garbage.${marker}`));
    expect(endless).toMatchObject({
      ok: false,
      outcome: {
        kind: 'unreachable',
        stage: 'proxy',
        message: `ProxyCommand failed: its output is not SSH: "garbage.${marker}"`,
      },
    });
    expect(await survivors(marker)).toEqual([]);
  });

  it('that spoke SSH is blamed only when it ends with a failure', async () => {
    const died = await connect(
      viaProxy(`sh -c 'printf "SSH-2.0-OpenSSH_9.9\\r\\n"; echo "link lost" >&2; exit 7'`),
    );
    expect(died).toMatchObject({
      ok: false,
      outcome: {
        kind: 'unreachable',
        stage: 'proxy',
        message: 'ProxyCommand failed (exit status 7): link lost',
      },
    });
    // Ended well after the banner: the far end closed, and ssh2's own words stand.
    const closed = await connect(viaProxy(`printf 'SSH-2.0-OpenSSH_9.9\\r\\n'`));
    expect(closed).toMatchObject({ ok: false, outcome: { kind: 'unreachable' } });
    expect(closed).not.toMatchObject({ outcome: { stage: 'proxy' } });
  });

  it('that never speaks times out at the connect deadline and is stopped', async () => {
    const marker = markers.next();
    const r = await connect(viaProxy(`sleep 1000.${marker}`), { connectTimeoutMs: 1_000 });
    expect(r).toMatchObject({
      ok: false,
      outcome: { kind: 'timeout', phase: 'connect', afterMs: 1_000 },
    });
    // A hang check, not a measure: the deadline is what ends it.
    expect(r.ms).toBeLessThan(6_000);
    expect(await survivors(marker)).toEqual([]);
  });

  it('that ignores TERM is killed after the grace', async () => {
    const marker = markers.next();
    const r = await connect(
      viaProxy(`sh -c 'trap "" TERM; echo started >&2; exec sleep 1000.$0' ${marker}`),
      { connectTimeoutMs: 1_000 },
    );
    expect(r).toMatchObject({ ok: false, outcome: { kind: 'timeout', phase: 'connect' } });
    expect(r.notes).toEqual(['web1: ProxyCommand: started']);
    expect(await survivors(marker, 4_000)).toEqual([]);
  });

  it('is stopped when the attempt is canceled', async () => {
    const marker = markers.next();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const r = await connect(viaProxy(`sleep 1000.${marker}`), { signal: controller.signal });
    expect(r).toMatchObject({ ok: false, outcome: { kind: 'canceled' } });
    expect(await survivors(marker)).toEqual([]);
  });

  it('may write without end on stderr: it is never blocked, and a bounded part is shown', async () => {
    // 8 MB of stderr: were it not read, the pipe would fill and the command never exit.
    const r = await connect(
      viaProxy(
        `sh -c 'yes "a line" | head -c 8000000 >&2; head -c 5000 /dev/zero | tr "\\0" x >&2; exit 5'`,
      ),
    );
    expect(r).toMatchObject({
      ok: false,
      outcome: {
        kind: 'unreachable',
        stage: 'proxy',
        message: 'ProxyCommand failed (exit status 5): a line',
      },
    });
    expect(r.notes).toHaveLength(101);
    expect(r.notes[0]).toBe('web1: ProxyCommand: a line');
    expect(r.notes[100]).toBe('web1: ProxyCommand: (more lines on its stderr, not shown)');

    const long = await connect(
      viaProxy(
        `sh -c 'head -c 100000 /dev/zero | tr "\\0" x >&2; printf "\\nafter\\n" >&2; exit 1'`,
      ),
    );
    expect(long.notes).toEqual([
      `web1: ProxyCommand: ${'x'.repeat(1000)} ...`,
      'web1: ProxyCommand: after',
    ]);
  });

  it('whose shell cannot start says so', async () => {
    const shell = process.env.SHELL;
    process.env.SHELL = join(dir.path, 'no-such-shell');
    try {
      const r = await connect(viaProxy('nc %h %p'));
      expect(r).toMatchObject({
        ok: false,
        outcome: {
          kind: 'unreachable',
          stage: 'proxy',
          message: expect.stringMatching(
            /^ProxyCommand failed: could not start .*no-such-shell: .*ENOENT/,
          ),
        },
      });
    } finally {
      if (shell === undefined) delete process.env.SHELL;
      else process.env.SHELL = shell;
    }
  });
});

describe.skipIf(!sshdAvailable())('a ProxyCommand that works (ssh -W through a real sshd)', () => {
  let fleet: SshFleet;
  const markers = new MarkerRegistry();
  const dir = tempDir();

  beforeAll(async () => {
    fleet = await startSshFleet({ hosts: 2, firstAddress: 160 });
  });
  afterAll(async () => {
    await fleet?.stop();
    dir.remove();
  });
  afterEach(() => {
    expect(markers.reap()).toEqual([]);
  });

  /** The second host, reached with `ssh -W` through the first; the marker names ssh's config. */
  const proxied = (marker: string, wrap = (ssh: string) => ssh): SshSettings => {
    const jumpConfig = join(dir.path, `jump-${marker}.conf`);
    writeFileSync(jumpConfig, readFileSync(fleet.sshConfigPath));
    return {
      alias: 'proxied',
      hostname: fleet.addresses[1] as string,
      port: fleet.port,
      user: fleet.user,
      identityFiles: [fleet.privateKeyPath],
      identitiesOnly: true,
      proxyJump: [],
      proxyCommand: wrap(
        `ssh -F ${jumpConfig} -W ${fleet.addresses[1]}:${fleet.port} ${fleet.addresses[0]}`,
      ),
      userKnownHostsFiles: [fleet.knownHostsPath],
      strictHostKeyChecking: 'yes',
    };
  };

  const run = (client: import('ssh2').Client, command: string) =>
    new Promise<string>((resolve, reject) =>
      client.exec(command, (error, stream) => {
        if (error) return reject(error);
        let out = '';
        stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
        stream.on('close', () => resolve(out));
      }),
    );

  it('carries the connection, and its process is reaped once the connection ends', async () => {
    const marker = markers.next();
    const r = await connect(proxied(marker));
    if (!r.ok) throw new Error(`not connected: ${JSON.stringify(r.outcome)}`);
    expect((await run(r.client, 'set -- $SSH_CONNECTION; echo $3')).trim()).toBe(
      fleet.addresses[1],
    );
    expect(r.released).toBeDefined();
    r.client.end();
    await r.released;
    expect(await survivors(marker, 0)).toEqual([]);
  });

  it('is stopped after a grace when it outlives the end of its input', async () => {
    const marker = markers.next();
    // After ssh -W ends, a sleep holds its output open: the connection never sees it close.
    const r = await connect(
      proxied(marker, (ssh) => `sh -c '${ssh}; exec sleep 1000.$0' ${marker}`),
    );
    if (!r.ok) throw new Error(`not connected: ${JSON.stringify(r.outcome)}`);
    r.client.end();
    await r.released;
    expect(await survivors(marker, 0)).toEqual([]);
  });

  it('is stopped when the connection is destroyed', async () => {
    const marker = markers.next();
    const r = await connect(proxied(marker));
    if (!r.ok) throw new Error(`not connected: ${JSON.stringify(r.outcome)}`);
    r.client.destroy();
    await r.released;
    expect(await survivors(marker, 0)).toEqual([]);
  });
});

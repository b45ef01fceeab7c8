import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveTargets } from '../../src/fleet/targets.js';
import { checkHosts } from '../../src/health/check-hosts.js';
import { exec, get, put, selectHosts, type TransferResult } from '../../src/index.js';
import { FakeTransport } from '../../src/testing/index.js';
import { tempDir } from '../helpers/processes.js';

const hosts = selectHosts(undefined, { list: 'web[1-2]' });

/** The library's fleet commands against lwt/testing's fake: no sshd, no network. */
describe('the fake transport', () => {
  let work: ReturnType<typeof tempDir> | undefined;
  afterEach(() => work?.remove());

  function localTree(): string {
    work = tempDir();
    const src = join(work.path, 'src');
    mkdirSync(join(src, 'conf'), { recursive: true });
    writeFileSync(join(src, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    writeFileSync(join(src, 'conf', 'app.ini'), 'x=1\n');
    // Over the tar batches' limit: sent on its own, in several writes.
    writeFileSync(join(src, 'big.bin'), Buffer.alloc(700 * 1024, 7));
    return src;
  }

  it('answers commands as told, and a command it has no answer for as not found', async () => {
    const told = new FakeTransport({ reply: ({ host }) => ({ stdout: `${host}\n` }) });
    const r = await exec(hosts, 'hostname', { transport: told });
    expect(r.results.map((x) => x.stdout)).toEqual(['web1\n', 'web2\n']);
    const silent = new FakeTransport();
    const [missing] = (await exec(hosts.slice(0, 1), 'frobnicate --all', { transport: silent }))
      .results;
    expect(missing?.outcome).toEqual({ kind: 'exit', code: 127 });
    expect(missing?.stderr).toBe('sh: 1: frobnicate: not found\n');
  });

  it('takes a put of a tree into its files, with modes, and a second put sends nothing', async () => {
    const src = localTree();
    const transport = new FakeTransport();
    const first = await put(hosts, [src], 'app', { transport });
    expect(first.results.map((r) => r.outcome)).toEqual([{ kind: 'ok' }, { kind: 'ok' }]);
    expect(first.files.filesCopied).toBe(6);
    for (const name of ['web1', 'web2']) {
      const fs = transport.files(name);
      expect(fs.readFile('app/run.sh')?.toString()).toBe('#!/bin/sh\necho hi\n');
      expect(fs.readFile('/home/fake/app/conf/app.ini')?.toString()).toBe('x=1\n');
      expect(fs.readFile('app/big.bin')?.equals(Buffer.alloc(700 * 1024, 7))).toBe(true);
      expect((fs.node('app/run.sh')?.mode ?? 0) & 0o777).toBe(0o755);
      // Nothing of lwt's own is left: no temporary names, no staging folders.
      expect(fs.paths().filter((p) => p.includes('.lwt'))).toEqual([]);
    }
    const second: TransferResult = await put(hosts, [src], 'app', { transport });
    expect(second.files).toMatchObject({ filesCopied: 0, filesSkipped: 6 });
  });

  it('gives a get what its files hold, into LOCALDIR/<host>/', async () => {
    work = tempDir();
    const transport = new FakeTransport();
    transport.files('web1').writeFile('logs/app.log', 'one\n', 0o640);
    transport.files('web2').writeFile('logs/app.log', 'two\n', 0o640);
    const r = await get(hosts, 'logs/app.log', join(work.path, 'got'), { transport });
    expect(r.failed).toEqual([]);
    expect(readFileSync(join(work.path, 'got', 'web1', 'app.log'), 'utf8')).toBe('one\n');
    expect(readFileSync(join(work.path, 'got', 'web2', 'app.log'), 'utf8')).toBe('two\n');
    expect(statSync(join(work.path, 'got', 'web2', 'app.log')).mode & 0o777).toBe(0o640);
  });

  it('ends an unreachable host and a missing file as their own outcomes', async () => {
    work = tempDir();
    const transport = new FakeTransport({
      unreachable: { web2: { kind: 'unreachable', stage: 'auth', message: 'denied' } },
    });
    const r = await get(hosts, 'nothing/here', join(work.path, 'got'), { transport });
    expect(r.results.map((x) => x.outcome)).toEqual([
      { kind: 'error', message: '/home/fake/nothing/here: no such file or directory' },
      { kind: 'unreachable', stage: 'auth', message: 'denied' },
    ]);
  });

  it('ends a command whose connection drops as unreachable, and one past its deadline as a timeout', async () => {
    const transport = new FakeTransport({ reply: () => ({ delayMs: 10_000 }) });
    setTimeout(() => transport.dropConnection('web1'), 50);
    const r = await exec(hosts, 'sleep 10', { transport, timeoutMs: 200 });
    expect(r.results.map((x) => x.outcome)).toEqual([
      {
        kind: 'unreachable',
        stage: 'reset',
        message: 'connection lost before the command ended',
      },
      { kind: 'timeout', phase: 'run', afterMs: 200 },
    ]);
  });

  it('lets hosts check judge hosts from their probe answers', async () => {
    const probe = (load: string) =>
      [
        'hostname=fake',
        'cores=2',
        `load=${load} 0.5 0.5`,
        'mem_kb=4000000 2000000',
        'home_exists=1',
        'home=/home/fake',
        'disk_kb=9000000 10000000',
        '',
      ].join('\n');
    const transport = new FakeTransport({
      reply: ({ host }) => ({ stdout: probe(host === 'web2' ? '9.0' : '0.1') }),
      unreachable: { web3: { kind: 'timeout', phase: 'connect', afterMs: 10_000 } },
    });
    const targets = resolveTargets(selectHosts(undefined, { list: 'web[1-3]' }), {});
    const checks = await checkHosts(transport, targets, {
      thresholds: { maxLoadPerCore: 1, checks: [] },
      timeoutMs: 5_000,
      parallel: 3,
    });
    expect(checks.map((c) => [c.target.name, c.record?.status, c.record?.why])).toEqual([
      ['web1', 'available', ''],
      ['web2', 'unhealthy', 'load 4.50 per core (9.00 on 2) > 1'],
      ['web3', 'unreachable', 'timed out after 10s while connecting'],
    ]);
  });
});

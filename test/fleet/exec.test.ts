import { describe, expect, it } from 'vitest';
import { exec, type HostResult } from '../../src/fleet/index.js';
import { selectHosts } from '../../src/hosts/index.js';
import { Stopper } from '../../src/pool/stop.js';
import { FakeTransport } from './fake-transport.js';

const hosts = selectHosts(undefined, { list: 'web[01-06]' });

describe('exec over a fake transport', () => {
  it('gives every host exactly one result, in the order given, with ok and failed views', async () => {
    const transport = new FakeTransport((host) =>
      host === 'web03'
        ? { result: { kind: 'exit', code: 2 }, stderr: 'nope\n' }
        : { result: { kind: 'ok' }, stdout: `${host} up\n`, delayMs: host === 'web01' ? 30 : 0 },
    );
    const result = await exec(hosts, 'uptime', { transport, parallel: 2 });
    expect(result.results.map((r) => r.name)).toEqual(hosts.map((h) => h.name));
    expect(result.failed.map((r) => r.name)).toEqual(['web03']);
    expect(result.ok).toHaveLength(5);
    expect(result.results[0]?.stdout).toBe('web01 up\n');
    expect(transport.maxActive).toBe(2);
    expect(transport.closed).toBe(false); // the caller's transport is the caller's to close
  });

  it('emits whole lines as events even when output arrives in pieces', async () => {
    const transport = new FakeTransport(() => ({
      result: { kind: 'ok' },
      stdout: 'first line\nsecond line\nno newline',
    }));
    const lines: string[] = [];
    await exec(hosts.slice(0, 1), 'x', {
      transport,
      reporters: [
        { onOutput: (host, stream, line) => lines.push(`${host.name} ${stream} ${line}`) },
      ],
    });
    expect(lines).toEqual([
      'web01 stdout first line',
      'web01 stdout second line',
      'web01 stdout no newline',
    ]);
  });

  it('sends the same stdin to every host', async () => {
    const transport = new FakeTransport(() => ({ result: { kind: 'ok' } }));
    await exec(hosts.slice(0, 3), 'cat', { transport, stdin: Buffer.from('payload') });
    expect(transport.seen.map((s) => s.stdin)).toEqual(['payload', 'payload', 'payload']);
  });

  it('reports hosts not started because of a stop as canceled', async () => {
    const transport = new FakeTransport(() => ({ result: { kind: 'ok' }, delayMs: 5_000 }));
    const stopper = new Stopper();
    const ended: HostResult[] = [];
    setTimeout(() => stopper.stop(), 50);
    const result = await exec(hosts, 'sleep', {
      transport,
      parallel: 2,
      stopper,
      reporters: [{ onRunEnd: (r) => ended.push(...r.results) }],
    });
    expect(result.interrupted).toBe(true);
    expect(result.results.map((r) => r.outcome.kind)).toEqual(Array(6).fill('canceled'));
    expect(transport.seen).toHaveLength(2); // only the first two ever started
    expect(ended).toHaveLength(6);
  });

  it('refuses bad arguments before touching any host', async () => {
    const transport = new FakeTransport(() => ({ result: { kind: 'ok' } }));
    await expect(exec(hosts, '  ', { transport })).rejects.toThrow(/empty/);
    await expect(exec(hosts, 'x', { transport, parallel: 0 })).rejects.toThrow(/parallel/);
    expect(transport.seen).toHaveLength(0);
  });
});

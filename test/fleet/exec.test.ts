import { describe, expect, it } from 'vitest';
import type { HostResult } from '../../src/fleet/events.js';
import { exec } from '../../src/fleet/exec.js';
import { selectHosts } from '../../src/hosts/index.js';
import { Stopper } from '../../src/pool/stop.js';
import { FakeTransport } from '../../src/testing/index.js';

const hosts = selectHosts(undefined, { list: 'web[01-06]' });

describe('exec over the fake transport', () => {
  it('gives every host exactly one result, in the order given, with ok and failed views', async () => {
    const transport = new FakeTransport({
      reply: ({ host }) =>
        host === 'web03'
          ? { outcome: { kind: 'exit', code: 2 }, stderr: 'nope\n' }
          : { stdout: `${host} up\n`, delayMs: host === 'web01' ? 30 : 0 },
    });
    const result = await exec(hosts, 'uptime', { transport, parallel: 2 });
    expect(result.results.map((r) => r.name)).toEqual(hosts.map((h) => h.name));
    expect(result.failed.map((r) => r.name)).toEqual(['web03']);
    expect(result.ok).toHaveLength(5);
    expect(result.results[0]?.stdout).toBe('web01 up\n');
    expect(transport.maxActive).toBe(2);
    expect(transport.closed).toBe(false); // the caller's transport is the caller's to close
  });

  it('passes output on as it arrives: raw chunks and whole lines', async () => {
    const transport = new FakeTransport({
      reply: () => ({ stdout: 'first line\nsecond line\nno newline', chunkBytes: 3 }),
    });
    const chunks: string[] = [];
    const lines: string[] = [];
    await exec(hosts.slice(0, 1), 'x', {
      transport,
      reporters: [
        {
          onData: (_host, _stream, chunk) => void chunks.push(chunk.toString()),
          onLines: (host, stream, bytes) => void lines.push(`${host.name} ${stream} ${bytes}`),
        },
      ],
    });
    expect(chunks.join('')).toBe('first line\nsecond line\nno newline');
    expect(chunks.length).toBeGreaterThan(5);
    expect(lines.join('')).toBe(
      'web01 stdout first line\nweb01 stdout second line\nweb01 stdout no newline\n',
    );
  });

  it("holds a host's output while a reporter's promise is pending, and takes a rejection as that host's error", async () => {
    const transport = new FakeTransport({
      reply: () => ({ stdout: 'a\nb\nc\n', chunkBytes: 2 }),
    });
    const seen: string[] = [];
    let release: () => void = () => {};
    const run = exec(hosts.slice(0, 2), 'x', {
      transport,
      reporters: [
        {
          onLines: (host, _stream, lines) => {
            seen.push(`${host.name} ${String(lines).trimEnd()}`);
            if (host.name === 'web01' && seen.length === 1)
              return new Promise<void>((resolve) => (release = resolve));
            if (host.name === 'web02') return Promise.reject(new Error('disk full'));
            return undefined;
          },
        },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // web01 waits after its first line; web02 went on (its reporter failed, it did not wait).
    expect(seen.filter((s) => s.startsWith('web01'))).toEqual(['web01 a']);
    release();
    const result = await run;
    expect(seen.filter((s) => s.startsWith('web01'))).toEqual(['web01 a', 'web01 b', 'web01 c']);
    expect(result.results[0]?.outcome).toEqual({ kind: 'ok' });
    expect(result.results[1]?.outcome).toEqual({
      kind: 'error',
      message: 'disk full (on the host: ok)',
    });
  });

  it('keeps at most maxOutputBytes of each stream in the result, and says how much there was', async () => {
    const transport = new FakeTransport({
      reply: () => ({ stdout: 'x'.repeat(1000), stderr: 'short', chunkBytes: 64 }),
    });
    const [result] = (await exec(hosts.slice(0, 1), 'x', { transport, maxOutputBytes: 100 }))
      .results;
    expect(result).toMatchObject({
      stdout: 'x'.repeat(100),
      stdoutBytes: 1000,
      stdoutTruncated: true,
      stderr: 'short',
      stderrBytes: 5,
      stderrTruncated: false,
    });
  });

  it('makes a host whose reporter failed an error naming why, and keeps every other host', async () => {
    const transport = new FakeTransport({ reply: ({ host }) => ({ stdout: `${host}\n` }) });
    const ended: string[] = [];
    const notes: string[] = [];
    const result = await exec(hosts.slice(0, 3), 'x', {
      transport,
      reporters: [
        {
          onData: (host) => {
            if (host.name === 'web02') throw new Error('out/web02.out: no space left on device');
          },
          onRunEnd: () => {
            throw new Error('stderr is closed');
          },
        },
        {
          onHostEnd: (r) => ended.push(`${r.name} ${r.outcome.kind}`),
          onNote: (m) => notes.push(m),
        },
      ],
    });
    expect(result.results.map((r) => r.outcome)).toEqual([
      { kind: 'ok' },
      {
        kind: 'error',
        message: 'out/web02.out: no space left on device (on the host: ok)',
      },
      { kind: 'ok' },
    ]);
    expect(ended).toEqual(['web01 ok', 'web02 error', 'web03 ok']);
    expect(notes).toEqual(['a report could not be written: stderr is closed']);
  });

  it('sends the same stdin to every host', async () => {
    const transport = new FakeTransport({ reply: () => ({}) });
    await exec(hosts.slice(0, 3), 'cat', { transport, stdin: Buffer.from('payload') });
    expect(transport.calls.map((s) => s.stdin?.toString())).toEqual([
      'payload',
      'payload',
      'payload',
    ]);
  });

  it('reports hosts not started because of a stop as canceled', async () => {
    const transport = new FakeTransport({ reply: () => ({ delayMs: 5_000 }) });
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
    expect(transport.calls).toHaveLength(2); // only the first two ever started
    expect(ended).toHaveLength(6);
  });

  it('gives an unreachable host its outcome without asking it anything', async () => {
    const outcome = { kind: 'unreachable', stage: 'refused', message: 'ECONNREFUSED' } as const;
    const transport = new FakeTransport({ reply: () => ({}), unreachable: { web02: outcome } });
    const result = await exec(hosts.slice(0, 2), 'x', { transport });
    expect(result.results.map((r) => r.outcome)).toEqual([{ kind: 'ok' }, outcome]);
    expect(transport.calls.map((c) => c.host)).toEqual(['web01']);
  });

  it('refuses bad arguments before touching any host', async () => {
    const transport = new FakeTransport();
    await expect(exec(hosts, '  ', { transport })).rejects.toThrow(/empty/);
    await expect(exec(hosts, 'x', { transport, parallel: 0 })).rejects.toThrow(/parallel/);
    await expect(exec(hosts, 'x', { transport, maxOutputBytes: -1 })).rejects.toThrow(
      /maxOutputBytes/,
    );
    expect(transport.calls).toHaveLength(0);
  });
});

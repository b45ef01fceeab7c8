import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The buffer pool that patches/ssh2+1.17.0.patch adds to ssh2 (patch-package applies it at
// `npm ci`). Its use inside ssh2 is checked end to end by put-get.test.ts (random bytes,
// different on every host); here, the rules that keep a reused buffer from being shared.
interface BufferPool {
  readonly MIN_POOLED: number;
  takeBuffer(size: number): Buffer;
  giveBuffer(buffer: Buffer): void;
}
const require = createRequire(import.meta.url);
const pool = require('ssh2/lib/protocol/bufferPool.js') as BufferPool;

/** Whether two buffers share any byte of memory. */
function overlaps(a: Buffer, b: Buffer): boolean {
  return (
    a.buffer === b.buffer &&
    a.byteOffset < b.byteOffset + b.length &&
    b.byteOffset < a.byteOffset + a.length
  );
}

describe("ssh2's buffer pool (lwt's patch)", () => {
  it('is applied: ssh2 takes its packets from it, and gives them back', () => {
    const crypto = require.resolve('ssh2/lib/protocol/crypto.js');
    const source = (path: string) => readFileSync(path, 'utf8');
    expect(source(crypto)).toContain('takeBuffer(pktLen + 16');
    // ...and the client gives a packet back once the socket has written it.
    const client = require.resolve('ssh2/lib/client.js');
    expect(source(client)).toContain('sock.write(data, (err) => err || giveBuffer(data))');
  });

  it('hands a buffer back out only after it was given back, for a request of its size class', () => {
    const size = 254 * 1024 + 40;
    const first = pool.takeBuffer(size);
    expect(first.length).toBe(size);
    const second = pool.takeBuffer(size);
    expect(second.buffer).not.toBe(first.buffer);
    pool.giveBuffer(first);
    const third = pool.takeBuffer(size - 100);
    expect(third.buffer).toBe(first.buffer);
    expect(third.length).toBe(size - 100);
    // Given back once, handed out once: a second give of the same buffer is ignored.
    pool.giveBuffer(second);
    pool.giveBuffer(second);
    expect(pool.takeBuffer(size).buffer).toBe(second.buffer);
    expect(pool.takeBuffer(size).buffer).not.toBe(second.buffer);
  });

  it('ignores slices, buffers it did not make, and leaves small ones to Node', () => {
    const mine = pool.takeBuffer(100_000);
    pool.giveBuffer(mine.subarray(16));
    expect(pool.takeBuffer(100_000).buffer).not.toBe(mine.buffer);
    const foreign = Buffer.allocUnsafeSlow(100_000);
    pool.giveBuffer(foreign);
    expect(pool.takeBuffer(100_000).buffer).not.toBe(foreign.buffer);
    // Node may cut small buffers from a shared pool of its own (8 KiB on Node 20 and 22, 64 KiB
    // on 24): what counts is that the bytes of one given back are never handed out again.
    const small = pool.takeBuffer(pool.MIN_POOLED - 1);
    pool.giveBuffer(small);
    expect(overlaps(pool.takeBuffer(pool.MIN_POOLED - 1), small)).toBe(false);
  });

  it('keeps at most 32 MiB waiting: what is given back beyond that is left to the collector', () => {
    const size = 1024 * 1024;
    const taken = Array.from({ length: 40 }, () => pool.takeBuffer(size));
    for (const buffer of taken) pool.giveBuffer(buffer);
    const again = new Set(Array.from({ length: 40 }, () => pool.takeBuffer(size).buffer));
    const reused = taken.filter((buffer) => again.has(buffer.buffer as ArrayBuffer)).length;
    expect(reused).toBeGreaterThan(0);
    expect(reused).toBeLessThanOrEqual(32);
  });
});

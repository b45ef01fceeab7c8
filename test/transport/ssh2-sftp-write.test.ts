import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// patches/ssh2+1.17.0.patch: an SFTP write request goes out as its header and the caller's
// bytes, each copied only into packets, instead of being joined into one request first. Here
// against a fake of ssh2's protocol that records the channel data; put-get.test.ts checks it
// end to end (random bytes, different on every host, against a real sshd).
interface Outgoing {
  id: number;
  window: number;
  packetSize: number;
  state: string;
}
interface SftpUnderTest {
  outgoing: Outgoing;
  _waitWindow: boolean;
  _chunkcb: (() => void) | undefined;
  write(
    handle: Buffer,
    buf: Buffer,
    off: number,
    len: number,
    position: number,
    cb: (err: Error | undefined, written?: number) => void,
  ): void;
}
type SftpClass = new (
  client: unknown,
  chanInfo: { type: string; incoming: object; outgoing: Outgoing },
  cfg: object,
) => SftpUnderTest;
const require = createRequire(import.meta.url);
const { SFTP } = require('ssh2/lib/protocol/SFTP.js') as { SFTP: SftpClass };

const PACKET = 32768;

/**
 * `batch`: the protocol seals a request's packets together (channelDataBatch, as ssh2 does with
 * AES-GCM through its binding), else it refuses and SFTP sends them one by one (channelData).
 * Either way `packets` lists what each packet carried.
 */
function fakeSession(window: number, batch = false) {
  const packets: { data: Buffer; head: Buffer | undefined }[] = [];
  let batches = 0;
  const protocol = {
    _remoteIdentRaw: 'SSH-2.0-OpenSSH_9.2p1',
    channelData: (_id: number, data: Buffer, head?: Buffer) => {
      packets.push({ data, head });
    },
    channelDataBatch: (_id: number, data: Buffer, head: Buffer, lens: number[]) => {
      if (!batch) return false;
      batches += 1;
      let from = 0;
      lens.forEach((len, i) => {
        packets.push({ data: data.subarray(from, from + len), head: i === 0 ? head : undefined });
        from += len;
      });
      return true;
    },
  };
  const outgoing = { id: 7, window, packetSize: PACKET, state: 'open' };
  const sftp = new SFTP({ _protocol: protocol }, { type: 'sftp', incoming: {}, outgoing }, {});
  /** What the other side allows more: as ssh2's client does on CHANNEL_WINDOW_ADJUST. */
  const adjustWindow = (amount: number) => {
    sftp.outgoing.window += amount;
    if (sftp._waitWindow) {
      sftp._waitWindow = false;
      sftp._chunkcb?.();
    }
  };
  const bytes = () => Buffer.concat(packets.flatMap((p) => (p.head ? [p.head, p.data] : [p.data])));
  return { sftp, packets, adjustWindow, bytes, batches: () => batches };
}

/** SFTP's SSH_FXP_WRITE as the draft gives it: length, type 6, id, handle, offset, data. */
function writeRequest(id: number, handle: Buffer, offset: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4 + 1 + 4 + 4 + handle.length + 8 + 4);
  head.writeUInt32BE(head.length - 4 + data.length, 0);
  head[4] = 6;
  head.writeUInt32BE(id, 5);
  head.writeUInt32BE(handle.length, 9);
  handle.copy(head, 13);
  head.writeBigUInt64BE(BigInt(offset), 13 + handle.length);
  head.writeUInt32BE(data.length, 21 + handle.length);
  return Buffer.concat([head, data]);
}

describe.each([
  ['one packet at a time', false],
  ['the packets of a request sealed together', true],
])("ssh2's SFTP write (lwt's patch), %s", (_mode, batch) => {
  it("sends the request whole and in order, the caller's bytes copied only into packets", () => {
    const { sftp, packets, bytes, batches } = fakeSession(4 * 1024 * 1024, batch);
    const handle = Buffer.from('handle-1');
    const source = randomBytes(300_000);
    sftp.write(handle, source, 1000, 200_000, 5_000_000_000, () => undefined);

    expect(
      bytes().equals(writeRequest(0, handle, 5_000_000_000, source.subarray(1000, 201_000))),
    ).toBe(true);
    expect(packets.every((p) => (p.head?.length ?? 0) + p.data.length <= PACKET)).toBe(true);
    // The first packet carries the header; every byte of data is a view of the caller's buffer.
    expect(packets[0]?.head?.length).toBe(4 + 1 + 4 + 4 + handle.length + 8 + 4);
    expect(packets.slice(1).every((p) => p.head === undefined)).toBe(true);
    expect(packets.every((p) => p.data.buffer === source.buffer)).toBe(true);
    // Sealed together, the request's seven packets were one call.
    expect(batches()).toBe(batch ? 1 : 0);
  });

  it('holds back what the window does not allow and sends it, in order, when the window grows', () => {
    const { sftp, adjustWindow, bytes } = fakeSession(50_000, batch);
    const handle = Buffer.from('h');
    const first = randomBytes(120_000);
    const second = randomBytes(40_000);
    const done: number[] = [];
    sftp.write(handle, first, 0, first.length, 0, () => done.push(1));
    sftp.write(handle, second, 0, second.length, first.length, () => done.push(2));
    expect(bytes().length).toBe(50_000);

    adjustWindow(60_000);
    expect(bytes().length).toBe(110_000);
    adjustWindow(1_000_000);
    const expected = Buffer.concat([
      writeRequest(0, handle, 0, first),
      writeRequest(1, handle, first.length, second),
    ]);
    expect(bytes().equals(expected)).toBe(true);
  });

  it('sends a request whose header alone does not fit the window, once the window grows', () => {
    const { sftp, adjustWindow, bytes } = fakeSession(10, batch);
    const handle = Buffer.from('handle-2');
    const data = randomBytes(70_000);
    sftp.write(handle, data, 0, data.length, 42, () => undefined);
    expect(bytes().length).toBe(10);
    adjustWindow(1_000_000);
    expect(bytes().equals(writeRequest(0, handle, 42, data))).toBe(true);
  });
});

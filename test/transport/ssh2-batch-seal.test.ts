import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// patches/ssh2+1.17.0.patch: with AES-GCM through ssh2's binding, the packets of one SFTP write
// request are sealed in one buffer and written at once (crypto.js encryptBatch, Protocol.js
// channelDataBatch). Here, with ssh2's own cipher and decipher: what comes out decrypts to the
// payloads, in order and in sequence with packets sealed one at a time before and after.
// put-get.test.ts checks it end to end against a real sshd.
interface CipherInfo {
  sslName: string;
  keyLen: number;
  ivLen: number;
}
interface Cipher {
  outSeqno: number;
  allocPacket(payloadLen: number): Buffer;
  encrypt(packet: Buffer): void;
  encryptBatch?: (
    payloadLens: number[],
    fill: (packet: Buffer, i: number, at: number) => void,
  ) => void;
}
interface SshCrypto {
  bindingAvailable: boolean;
  CIPHER_INFO: Record<string, CipherInfo>;
  createCipher(config: object): Cipher;
  createDecipher(config: object): { decrypt(data: Buffer, p: number, dataLen: number): void };
}
const require = createRequire(import.meta.url);
const sshCrypto = require('ssh2/lib/protocol/crypto.js') as SshCrypto;

// ssh2 builds its binding at install time where there is a compiler (.ci/run installs one).
describe.skipIf(!sshCrypto.bindingAvailable)("ssh2's AES-GCM packets sealed together", () => {
  it('decrypt to the payloads in order, between packets sealed one at a time', () => {
    const info = sshCrypto.CIPHER_INFO['aes128-gcm@openssh.com'] as CipherInfo;
    const key = randomBytes(info.keyLen);
    const iv = randomBytes(info.ivLen);
    const written: Buffer[] = [];
    const cipher = sshCrypto.createCipher({
      outbound: {
        onWrite: (data: Buffer) => written.push(Buffer.from(data)),
        cipherInfo: info,
        cipherKey: key,
        cipherIV: iv,
        seqno: 0,
      },
    });
    const received: Buffer[] = [];
    const decipher = sshCrypto.createDecipher({
      inbound: {
        onPayload: (payload: Buffer) => {
          received.push(Buffer.from(payload));
        },
        decipherInfo: info,
        decipherKey: key,
        decipherIV: iv,
        seqno: 0,
      },
    });
    const sealOne = (payload: Buffer) => {
      const packet = cipher.allocPacket(payload.length);
      payload.copy(packet, 5);
      cipher.encrypt(packet);
    };
    // Sizes that need each amount of padding, and a full 32 KB channel packet's payload.
    const payloads = [100, 32_768 + 9, 1, 27, 28, 5000, 12].map((n) => randomBytes(n));
    sealOne(payloads[0] as Buffer);
    const together = payloads.slice(1, -1);
    expect(cipher.encryptBatch).toBeTypeOf('function');
    cipher.encryptBatch?.(
      together.map((p) => p.length),
      (packet, i, at) => {
        (together[i] as Buffer).copy(packet, at);
      },
    );
    sealOne(payloads.at(-1) as Buffer);

    // One write for the five sealed together, each packet's sequence number used once.
    expect(written).toHaveLength(3);
    expect(cipher.outSeqno).toBe(payloads.length);
    for (const data of written) decipher.decrypt(data, 0, data.length);
    expect(received).toEqual(payloads);
  });
});

import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { SftpSession } from '../../src/files/sftp-session.js';
import { TransferAborted, TransferError } from '../../src/files/transfer-error.js';

type Callback = (error: Error | undefined, value?: unknown) => void;

/**
 * An SFTP client whose server never answers, as on a connection that died without a clean
 * close: every request's callback is kept and, unless the test calls it, never called.
 */
function silentSftp() {
  const waiting: Callback[] = [];
  const calls: string[] = [];
  const keep =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push(name);
      waiting.push(args[args.length - 1] as Callback);
    };
  const sftp = {
    stat: keep('stat'),
    write: keep('write'),
    close: keep('close'),
    readdir: keep('readdir'),
  } as unknown as SFTPWrapper;
  return { sftp, waiting, calls };
}

describe('SftpSession', () => {
  it('settles every request still waiting when the signal aborts, with its reason', async () => {
    const { sftp, waiting } = silentSftp();
    const controller = new AbortController();
    const session = new SftpSession(sftp, controller.signal);
    const handle = Buffer.from([1, 2, 3, 4]);
    const pending = [
      session.write('/d/a', handle, Buffer.alloc(8), 0),
      session.write('/d/a', handle, Buffer.alloc(8), 8),
      session.stat('/d'),
      session.readdir('/d'),
      session.close('/d/a', handle),
    ];
    expect(waiting).toHaveLength(5);
    controller.abort(new TransferAborted('timed out'));
    for (const request of pending) {
      const error: unknown = await request.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransferAborted);
      expect((error as TransferAborted).why).toBe('timed out');
    }
    // A reply that comes after all is ignored.
    for (const callback of waiting) callback(undefined);
  });

  it('refuses a request after the abort without sending it', async () => {
    const { sftp, calls } = silentSftp();
    const controller = new AbortController();
    const session = new SftpSession(sftp, controller.signal);
    controller.abort(new TransferAborted('canceled'));
    await expect(session.stat('/d')).rejects.toThrow('canceled');
    await expect(session.close('/d/a', Buffer.alloc(4))).rejects.toBeInstanceOf(TransferAborted);
    expect(calls).toEqual([]);
  });

  it('answers settle their own request only, and an abort after them changes nothing', async () => {
    const { sftp, waiting } = silentSftp();
    const controller = new AbortController();
    const session = new SftpSession(sftp, controller.signal);
    const handle = Buffer.from([1, 2, 3, 4]);
    const first = session.write('/d/a', handle, Buffer.alloc(8), 0);
    const second = session.write('/d/a', handle, Buffer.alloc(8), 8);
    waiting[0]?.(undefined);
    await expect(first).resolves.toBeUndefined();
    waiting[1]?.(Object.assign(new Error('Permission denied'), { code: 3 }));
    const error: unknown = await second.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransferError);
    expect((error as TransferError).message).toBe('/d/a: permission denied');
    controller.abort(new TransferAborted('timed out'));
    const later = session.stat('/d');
    await expect(later).rejects.toThrow('timed out');
  });
});

import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { SftpFiles } from '../../src/transport/ssh2/sftp-files.js';
import { TransferAborted, TransferError } from '../../src/transport/file-errors.js';

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
    opendir: keep('opendir'),
    read: keep('read'),
  } as unknown as SFTPWrapper;
  return { sftp, waiting, calls };
}

describe('SftpFiles', () => {
  it('settles every request still waiting when the signal aborts, with its reason', async () => {
    const { sftp, waiting } = silentSftp();
    const controller = new AbortController();
    const session = new SftpFiles(sftp, controller.signal);
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
    const session = new SftpFiles(sftp, controller.signal);
    controller.abort(new TransferAborted('canceled'));
    await expect(session.stat('/d')).rejects.toThrow('canceled');
    await expect(session.close('/d/a', Buffer.alloc(4))).rejects.toBeInstanceOf(TransferAborted);
    expect(calls).toEqual([]);
  });

  it('answers settle their own request only, and an abort after them changes nothing', async () => {
    const { sftp, waiting } = silentSftp();
    const controller = new AbortController();
    const session = new SftpFiles(sftp, controller.signal);
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

  it('a read that fails without a buffer (a channel closed under it) is the error of that read', async () => {
    const { sftp, waiting } = silentSftp();
    const session = new SftpFiles(sftp, new AbortController().signal);
    const read = session.read('/d/big', Buffer.from([1]), 1024, 0);
    // What ssh2 passes when it cleans up the requests of a closed channel: no bytes, no buffer.
    (waiting[0] as (error: Error, bytes?: number, buffer?: Buffer) => void)(
      new Error('No response from server'),
    );
    const error: unknown = await read.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransferError);
    expect((error as TransferError).message).toBe('/d/big: No response from server');
  });
});

describe('SftpFiles.readdir', () => {
  /** A folder of `count` entries that the server hands out `perRead` at a time. */
  function folderSftp(count: number, perRead: number) {
    const names = Array.from({ length: count }, (_, i) => `f${i}`);
    let next = 0;
    const log: string[] = [];
    const sftp = {
      opendir: (path: string, cb: (error: Error | undefined, handle: Buffer) => void) => {
        log.push(`opendir ${path}`);
        queueMicrotask(() => cb(undefined, Buffer.from('dir1')));
      },
      readdir: (handle: Buffer, cb: Callback) => {
        log.push(`readdir ${handle.toString()}`);
        const part = names.slice(next, next + perRead);
        next += part.length;
        queueMicrotask(() => {
          if (part.length === 0) cb(Object.assign(new Error('EOF'), { code: 1 }));
          else
            cb(
              undefined,
              part.map((filename) => ({ filename, longname: filename, attrs: {} })),
            );
        });
      },
      close: (handle: Buffer) => log.push(`close ${handle.toString()}`),
    } as unknown as SFTPWrapper;
    return { sftp, log };
  }

  it('reads a folder to its end, part after part, and closes its handle', async () => {
    const { sftp, log } = folderSftp(250, 100);
    const session = new SftpFiles(sftp, new AbortController().signal);
    const entries = await session.readdir('/d');
    expect(entries?.map((e) => e.filename)).toEqual(Array.from({ length: 250 }, (_, i) => `f${i}`));
    expect(log).toEqual(['opendir /d', ...Array<string>(4).fill('readdir dir1'), 'close dir1']);
  });

  it('an empty folder is an empty list; a missing one is undefined', async () => {
    const { sftp } = folderSftp(0, 100);
    const session = new SftpFiles(sftp, new AbortController().signal);
    expect(await session.readdir('/d')).toEqual([]);
    const missing = {
      opendir: (_path: string, cb: Callback) =>
        cb(Object.assign(new Error('No such file'), { code: 2 })),
    } as unknown as SFTPWrapper;
    expect(await new SftpFiles(missing, new AbortController().signal).readdir('/x')).toBe(
      undefined,
    );
  });

  it('a failed read names the folder and still closes its handle', async () => {
    const log: string[] = [];
    const sftp = {
      opendir: (_path: string, cb: Callback) => cb(undefined, Buffer.from('dir1')),
      readdir: (_handle: Buffer, cb: Callback) =>
        cb(Object.assign(new Error('Permission denied'), { code: 3 })),
      close: (handle: Buffer) => log.push(`close ${handle.toString()}`),
    } as unknown as SFTPWrapper;
    const session = new SftpFiles(sftp, new AbortController().signal);
    await expect(session.readdir('/d')).rejects.toThrow('/d: permission denied');
    expect(log).toEqual(['close dir1']);
  });
});

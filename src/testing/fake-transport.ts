import type { Outcome } from '../outcome/outcome.js';
import {
  capturedOutput,
  DEFAULT_MAX_OUTPUT_BYTES,
  NO_OUTPUT,
  StreamCapture,
} from '../transport/output-capture.js';
import type { RemoteFiles } from '../transport/remote-files.js';
import type {
  HostConnection,
  HostConnectResult,
  RemoteRunRequest,
  RemoteRunResult,
  RemoteTarget,
  Transport,
} from '../transport/transport.js';
import { FakeFiles, FakeFileSystem } from './fake-files.js';

/** One command a fake host was asked to run. */
export interface FakeCall {
  readonly host: string;
  readonly command: string;
  readonly stdin?: Buffer;
  /** Whether it was to run in the host's home (lwt's own scripts say no). */
  readonly inHome: boolean;
}

/** What a fake host does with a command: print, wait, then end as told. */
export interface FakeReply {
  readonly stdout?: string | Buffer;
  readonly stderr?: string | Buffer;
  /** How the command ends; default ok. */
  readonly outcome?: Outcome;
  /** How long it runs before it ends; a stop or the request's deadline cuts it short. */
  readonly delayMs?: number;
  /** Output in pieces of this many bytes, as a network delivers it; default all at once. */
  readonly chunkBytes?: number;
}

export interface FakeTransportOptions {
  /** Answers each command. Default: exit 127, "command not found", as a host without it. */
  readonly reply?: (call: FakeCall) => FakeReply | Promise<FakeReply>;
  /** Hosts that cannot be reached, by name, with the outcome their connection ends with. */
  readonly unreachable?: Readonly<Record<string, Outcome>>;
}

/**
 * A Transport with no network: commands answered by `options.reply`, files kept in memory per
 * host (`files(name)`), so that code built on lwt's library (exec, put, get, reporters) can be
 * tested without sshd, as Fabric ships `fabric.testing`. It keeps the Transport's promises: one
 * outcome per command, deadlines and stops honoured, output bounded by maxOutputBytes. Commands
 * are never run: lwt's put sends every file over the file session to it (its tar batches find
 * no tar), and `--checksum` needs a reply for sha256sum.
 */
export class FakeTransport implements Transport {
  /** Every command asked for, in order. */
  readonly calls: FakeCall[] = [];
  /** Commands running now, and the most that ran at once. */
  active = 0;
  maxActive = 0;
  closed = false;
  readonly #fileSystems = new Map<string, FakeFileSystem>();
  readonly #lost = new Map<string, Set<() => void>>();

  constructor(private readonly options: FakeTransportOptions = {}) {}

  /** A host's files, made (with an empty home) on first use. */
  files(host: string): FakeFileSystem {
    let fs = this.#fileSystems.get(host);
    if (!fs) this.#fileSystems.set(host, (fs = new FakeFileSystem('/home/fake')));
    return fs;
  }

  /** Drops a host's connection, as a host that went down: what runs there ends unreachable. */
  dropConnection(host: string): void {
    const listeners = [...(this.#lost.get(host) ?? [])];
    this.#lost.delete(host);
    for (const listener of listeners) listener();
  }

  async connect(target: RemoteTarget): Promise<HostConnectResult> {
    const unreachable = this.options.unreachable?.[target.name];
    if (unreachable) return { ok: false, outcome: unreachable };
    return { ok: true, host: new FakeHost(this, target) };
  }

  async run(target: RemoteTarget, request: RemoteRunRequest): Promise<RemoteRunResult> {
    const connection = await this.connect(target);
    if (!connection.ok) return { outcome: connection.outcome, ...NO_OUTPUT };
    return connection.host.run(request);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** @internal What FakeHost calls for a command. */
  async answer(call: FakeCall): Promise<FakeReply> {
    this.calls.push(call);
    if (this.options.reply) return this.options.reply(call);
    return {
      stderr: `sh: 1: ${call.command.split(/\s/)[0] ?? ''}: not found\n`,
      outcome: { kind: 'exit', code: 127 },
    };
  }

  /** @internal */
  watchLost(host: string, listener: () => void): () => void {
    let set = this.#lost.get(host);
    if (!set) this.#lost.set(host, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
}

class FakeHost implements HostConnection {
  constructor(
    private readonly fake: FakeTransport,
    readonly target: RemoteTarget,
  ) {}

  async run(request: RemoteRunRequest): Promise<RemoteRunResult> {
    const fake = this.fake;
    fake.maxActive = Math.max(fake.maxActive, ++fake.active);
    try {
      const reply = await fake.answer({
        host: this.target.name,
        command: request.command,
        stdin: request.stdin,
        inHome: request.inHome !== false,
      });
      const early = await this.#wait(reply.delayMs ?? 0, request);
      const keep = request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
      const stdout = new StreamCapture(keep);
      const stderr = new StreamCapture(keep);
      if (early?.kind !== 'unreachable') {
        await deliver(
          reply.stdout,
          reply.chunkBytes,
          (c) => (stdout.push(c), request.onStdout?.(c)),
        );
        await deliver(
          reply.stderr,
          reply.chunkBytes,
          (c) => (stderr.push(c), request.onStderr?.(c)),
        );
      }
      return {
        outcome: early ?? reply.outcome ?? { kind: 'ok' },
        ...capturedOutput(stdout, stderr),
      };
    } finally {
      fake.active--;
    }
  }

  async openFiles(signal: AbortSignal): Promise<RemoteFiles> {
    return new FakeFiles(this.fake.files(this.target.name), signal);
  }

  onLost(listener: () => void): () => void {
    return this.fake.watchLost(this.target.name, listener);
  }

  discard(): void {
    this.fake.dropConnection(this.target.name);
  }

  /** Waits `ms`; the outcome that cut it short (a deadline, a stop, a lost host), if any. */
  #wait(ms: number, request: RemoteRunRequest): Promise<Outcome | undefined> {
    return new Promise((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const cleanups: Array<() => void> = [];
      const end = (outcome: Outcome | undefined) => {
        timers.forEach(clearTimeout);
        cleanups.forEach((c) => c());
        resolve(outcome);
      };
      timers.push(setTimeout(() => end(undefined), ms));
      if (request.timeoutMs > 0 && request.timeoutMs < ms) {
        const afterMs = request.timeoutMs;
        timers.push(setTimeout(() => end({ kind: 'timeout', phase: 'run', afterMs }), afterMs));
      }
      for (const signal of [request.signal, request.forceSignal]) {
        if (!signal) continue;
        if (signal.aborted) return end({ kind: 'canceled' });
        const onAbort = () => end({ kind: 'canceled' });
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
      cleanups.push(
        this.onLost(() =>
          end({
            kind: 'unreachable',
            stage: 'reset',
            message: 'connection lost before the command ended',
          }),
        ),
      );
    });
  }
}

async function deliver(
  output: string | Buffer | undefined,
  chunkBytes: number | undefined,
  push: (chunk: Buffer) => Promise<void> | void,
): Promise<void> {
  if (output === undefined) return;
  const bytes = Buffer.from(output);
  const step = chunkBytes && chunkBytes > 0 ? chunkBytes : bytes.length;
  // A listener that asks to wait is waited for, as the real transport pauses its channel.
  for (let i = 0; i < bytes.length; i += step) await push(bytes.subarray(i, i + step));
}

import type {
  RemoteRunRequest,
  RemoteRunResult,
  RemoteTarget,
  Transport,
} from '../../src/transport/transport.js';

/** What a fake host does with a command: print, then end as told, after an optional delay. */
export interface FakeBehaviour {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly result: RemoteRunResult['outcome'];
  readonly delayMs?: number;
}

/** A transport that answers from a table, for unit tests of the fleet layer and reporters. */
export class FakeTransport implements Transport {
  readonly seen: Array<{ host: string; command: string; stdin?: string }> = [];
  active = 0;
  maxActive = 0;
  closed = false;

  constructor(private readonly behaviour: (host: string) => FakeBehaviour) {}

  async run(target: RemoteTarget, request: RemoteRunRequest): Promise<RemoteRunResult> {
    this.seen.push({
      host: target.name,
      command: request.command,
      stdin: request.stdin?.toString(),
    });
    this.maxActive = Math.max(this.maxActive, ++this.active);
    try {
      const b = this.behaviour(target.name);
      const canceled = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), b.delayMs ?? 0);
        request.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (canceled) return { outcome: { kind: 'canceled' }, stdout: '', stderr: '' };
      // Deliver output in awkward chunks to prove lines are reassembled.
      const out = Buffer.from(b.stdout ?? '');
      for (let i = 0; i < out.length; i += 3) request.onStdout?.(out.subarray(i, i + 3));
      if (b.stderr) request.onStderr?.(Buffer.from(b.stderr));
      return { outcome: b.result, stdout: b.stdout ?? '', stderr: b.stderr ?? '' };
    } finally {
      this.active--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

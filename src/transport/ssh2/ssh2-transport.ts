import type { SshSettings } from '../../hosts/index.js';
import type { RemoteRunRequest, RemoteRunResult, RemoteTarget, Transport } from '../transport.js';
import { connectSsh, type ConnectOptions, type ConnectResult } from './connect.js';
import { execRemote } from './remote-exec.js';

export type Ssh2TransportOptions = Omit<ConnectOptions, 'signal'> & {
  /** Stops connections still being made. */
  readonly signal?: AbortSignal;
};

/**
 * The default transport: ssh2 in this process, one connection per host, kept for every command
 * that host gets until `close()`. A failed connection is remembered too, so a dead host costs
 * one connect deadline per process, not one per command.
 */
export class Ssh2Transport implements Transport {
  readonly #connections = new Map<string, Promise<ConnectResult>>();

  constructor(private readonly options: Ssh2TransportOptions) {}

  async run(target: RemoteTarget, request: RemoteRunRequest): Promise<RemoteRunResult> {
    const key = connectionKey(target.settings);
    let pending = this.#connections.get(key);
    if (!pending) {
      pending = connectSsh(target.settings, { ...this.options, signal: this.options.signal });
      this.#connections.set(key, pending);
    }
    const connection = await pending;
    if (!connection.ok) return { outcome: connection.outcome, stdout: '', stderr: '' };
    const { broken, ...result } = await execRemote(connection.client, target.home, request);
    if (broken) {
      // Forget it so the next command reconnects instead of failing on a dead socket.
      this.#connections.delete(key);
      connection.client.destroy();
    }
    return result;
  }

  async close(): Promise<void> {
    const all = await Promise.all(this.#connections.values());
    this.#connections.clear();
    for (const connection of all) {
      if (!connection.ok) continue;
      connection.client.end();
      for (const hop of connection.hops) hop.end();
    }
  }
}

function connectionKey(settings: SshSettings): string {
  const hops = settings.proxyJump.map((h) => `${h.user}@${h.hostname}:${h.port}`).join('>');
  return `${hops}>${settings.user}@${settings.hostname}:${settings.port}`;
}

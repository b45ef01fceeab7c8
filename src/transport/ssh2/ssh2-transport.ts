import type { Client } from 'ssh2';
import type { SshSettings } from '../../hosts/index.js';
import type { RemoteRunRequest, RemoteRunResult, RemoteTarget, Transport } from '../transport.js';
import { connectSsh, type ConnectOptions, type ConnectResult } from './connect.js';
import { KnownHostsCache } from './host-key.js';
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
  /** known_hosts read once for every host this transport reaches, not once per host. */
  readonly #knownHosts: KnownHostsCache;

  constructor(private readonly options: Ssh2TransportOptions) {
    this.#knownHosts = options.knownHosts ?? new KnownHostsCache();
  }

  /**
   * The host's connection, opened on first use and shared by every later caller (commands,
   * SFTP, probes). A failure is an outcome, also shared: the host is not tried again.
   */
  connection(target: RemoteTarget): Promise<ConnectResult> {
    const key = connectionKey(target.settings);
    let pending = this.#connections.get(key);
    if (!pending) {
      pending = connectSsh(target.settings, {
        ...this.options,
        signal: this.options.signal,
        knownHosts: this.#knownHosts,
      });
      this.#connections.set(key, pending);
    }
    return pending;
  }

  /** Drops a connection found dead or wedged, so that the next use reconnects. */
  discard(target: RemoteTarget, client: Client): void {
    const key = connectionKey(target.settings);
    void this.#connections.get(key)?.then((c) => {
      if (c.ok && c.client === client) this.#connections.delete(key);
    });
    client.destroy();
  }

  async run(target: RemoteTarget, request: RemoteRunRequest): Promise<RemoteRunResult> {
    const connection = await this.connection(target);
    if (!connection.ok) return { outcome: connection.outcome, stdout: '', stderr: '' };
    const { broken, ...result } = await execRemote(connection.client, target.home, request);
    if (broken) this.discard(target, connection.client);
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

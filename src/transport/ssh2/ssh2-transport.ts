import type { SshSettings } from '../../hosts/index.js';
import { NO_OUTPUT } from '../output-capture.js';
import type { RemoteFiles } from '../remote-files.js';
import type {
  HostConnection,
  HostConnectResult,
  RemoteRunRequest,
  RemoteRunResult,
  RemoteTarget,
  Transport,
} from '../transport.js';
import { connectSsh, type ConnectOptions, type ConnectResult } from './connect.js';
import { KnownHostsCache } from './host-key.js';
import { execRemote } from './remote-exec.js';
import { SftpFiles } from './sftp-files.js';
import type { Client } from './ssh2-parts.js';

export type Ssh2TransportOptions = Omit<ConnectOptions, 'signal'> & {
  /** Stops connections still being made. */
  readonly signal?: AbortSignal;
};

/**
 * The default transport: ssh2 in this process, one connection per host, kept for every command
 * and file session that host gets until `close()`. A failed connection is remembered too, so a
 * dead host costs one connect deadline per process, not one per command.
 */
export class Ssh2Transport implements Transport {
  readonly #connections = new Map<string, Promise<ConnectResult>>();
  /** known_hosts read once for every host this transport reaches, not once per host. */
  readonly #knownHosts: KnownHostsCache;

  constructor(private readonly options: Ssh2TransportOptions) {
    this.#knownHosts = options.knownHosts ?? new KnownHostsCache();
  }

  async connect(target: RemoteTarget): Promise<HostConnectResult> {
    const connection = await this.#connection(target);
    if (!connection.ok) return connection;
    const discard = () => this.#discard(target, connection.client);
    return { ok: true, host: new Ssh2Host(target, connection.client, discard) };
  }

  async run(target: RemoteTarget, request: RemoteRunRequest): Promise<RemoteRunResult> {
    const connection = await this.connect(target);
    if (!connection.ok) return { outcome: connection.outcome, ...NO_OUTPUT };
    return connection.host.run(request);
  }

  async close(): Promise<void> {
    const all = await Promise.all(this.#connections.values());
    this.#connections.clear();
    for (const connection of all) {
      if (!connection.ok) continue;
      connection.client.end();
      for (const hop of connection.hops) hop.end();
    }
    // A ProxyCommand ends once its input does (TERM, then KILL after a second): waited for, so
    // that it is stopped gently before lwt exits rather than KILLed by the exit hook.
    await Promise.all(all.map((c) => (c.ok ? c.released : undefined)));
  }

  /** The host's connection, opened on first use and shared by every later caller. */
  #connection(target: RemoteTarget): Promise<ConnectResult> {
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
  #discard(target: RemoteTarget, client: Client): void {
    const key = connectionKey(target.settings);
    void this.#connections.get(key)?.then((c) => {
      if (c.ok && c.client === client) this.#connections.delete(key);
    });
    client.destroy();
  }
}

/** One host's ssh2 connection: commands under the remote wrapper, files over SFTP. */
class Ssh2Host implements HostConnection {
  constructor(
    readonly target: RemoteTarget,
    private readonly client: Client,
    readonly discard: () => void,
  ) {}

  async run(request: RemoteRunRequest): Promise<RemoteRunResult> {
    const home = request.inHome === false ? undefined : this.target.home;
    const { broken, ...result } = await execRemote(this.client, home, request);
    if (broken) this.discard();
    return result;
  }

  openFiles(signal: AbortSignal): Promise<RemoteFiles> {
    return SftpFiles.open(this.client, signal);
  }

  onLost(listener: () => void): () => void {
    this.client.once('close', listener);
    return () => this.client.removeListener('close', listener);
  }
}

/**
 * Where a connection goes, hop by hop. A ProxyCommand is part of it: one HostName behind two
 * bastions (private networks that reuse addresses) is two hosts, not one connection.
 */
function connectionKey(settings: SshSettings): string {
  const hops = [...settings.proxyJump, settings];
  return JSON.stringify(hops.map((h) => [h.user, h.hostname, h.port, h.proxyCommand ?? null]));
}

import type { AnyAuthMethod, ConnectConfig } from 'ssh2';
import { Client } from './ssh2-parts.js';
import type { Duplex } from 'node:stream';
import type { SshSettings } from '../../hosts/index.js';
import type { Outcome } from '../../outcome/outcome.js';
import { classifyConnectError, proxyFailure, type Ssh2Error } from './classify-error.js';
import { decideHostKey, type HostKeyPolicy, type KnownHostsCache } from './host-key.js';
import { loadIdentities } from './identities.js';
import { skipHostKeysProve } from './skip-host-keys-prove.js';
import { connectCoalescing } from './coalescing-socket.js';
import { startProxyCommand, type ProxyCommand } from './proxy-command.js';

export interface ConnectOptions {
  /** Bounds TCP, key exchange and authentication of the whole hop chain. */
  readonly connectTimeoutMs: number;
  /** Overrides each host's StrictHostKeyChecking; without either, accept-new. */
  readonly hostKeyPolicy?: HostKeyPolicy;
  /** SSH_AUTH_SOCK, when there is an agent. */
  readonly agentSocket?: string;
  /** Keepalive: a silent host is dropped after interval x count (ssh2 has none by default). */
  readonly keepaliveIntervalMs: number;
  readonly keepaliveCountMax: number;
  readonly signal?: AbortSignal;
  /** Notes for the user (a remembered host key, an unreadable identity, a ProxyCommand's stderr). */
  readonly onNote?: (message: string) => void;
  /** known_hosts as read for this run; without it, each host reads the files again. */
  readonly knownHosts?: KnownHostsCache;
}

export type ConnectResult =
  | {
      readonly ok: true;
      readonly client: Client;
      readonly hops: readonly Client[];
      /**
       * With a ProxyCommand: settles once its process has ended and been reaped, which follows
       * the connection's close (or its end, after a grace). Absent when nothing was started.
       */
      readonly released?: Promise<void>;
    }
  | { readonly ok: false; readonly outcome: Outcome };

/**
 * Connects and authenticates to a host, through its ProxyJump hops or its ProxyCommand when it
 * has them, within one deadline. Always resolves; a failure is an outcome that says where it
 * broke, and leaves no process of a ProxyCommand running.
 */
export async function connectSsh(
  settings: SshSettings,
  options: ConnectOptions,
): Promise<ConnectResult> {
  const clients: Client[] = [];
  const proxies: ProxyCommand[] = [];
  let over = false;
  const destroyAll = () => {
    over = true;
    clients.forEach((c) => c.destroy());
    proxies.forEach((p) => void p.stop());
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ConnectResult>((resolve) => {
    timer = setTimeout(() => {
      destroyAll();
      resolve({
        ok: false,
        outcome: { kind: 'timeout', phase: 'connect', afterMs: options.connectTimeoutMs },
      });
    }, options.connectTimeoutMs);
  });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<ConnectResult>((resolve) => {
    onAbort = () => {
      destroyAll();
      resolve({ ok: false, outcome: { kind: 'canceled' } });
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  const chain = (async (): Promise<ConnectResult> => {
    let sock: Duplex | undefined;
    for (const hop of [...settings.proxyJump, settings]) {
      const client = new Client();
      clients.push(client);
      const label =
        hop === settings ? settings.alias : `${settings.alias} (jump host ${hop.alias})`;
      const result = await connectHop(client, { settings: hop, label, sock }, options, {
        isOver: () => over,
        onProxy: (proxy) => proxies.push(proxy),
      });
      if (!result.ok) {
        destroyAll();
        return result;
      }
      if (hop === settings) {
        const hops = clients.slice(0, -1);
        if (proxies.length === 0) return { ok: true, client, hops };
        const released = Promise.all(proxies.map((p) => p.ended)).then(() => undefined);
        return { ok: true, client, hops, released };
      }
      const next =
        clients.length < settings.proxyJump.length ? settings.proxyJump[clients.length] : settings;
      const forwarded = await forwardTo(client, next ?? settings);
      if (!forwarded.ok) {
        destroyAll();
        return forwarded;
      }
      sock = forwarded.stream;
    }
    throw new Error('unreachable: the hop loop always returns');
  })();
  try {
    return await Promise.race([chain, deadline, aborted]);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}

/** One hop: its settings, who its notes are about, and the stream it is reached over, if any. */
interface Hop {
  readonly settings: SshSettings;
  readonly label: string;
  readonly sock: Duplex | undefined;
}

function connectHop(
  client: Client,
  hop: Hop,
  options: ConnectOptions,
  chain: { isOver: () => boolean; onProxy: (proxy: ProxyCommand) => void },
): Promise<ConnectResult> {
  const { settings, sock } = hop;
  return new Promise((resolve) => {
    let hostKeyRejection: string | undefined;
    let proxy: ProxyCommand | undefined;
    let settled = false;
    const settle = (result: ConnectResult) => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('ready');
      if (result.ok || !proxy) return resolve(result);
      // A ProxyCommand that failed explains the failure better than the broken pipe ssh2 saw.
      void proxy
        .blame(result.outcome.kind === 'unreachable' ? result.outcome.message : '')
        .then((why) =>
          resolve(why === undefined ? result : { ok: false, outcome: proxyFailure(why) }),
        );
    };
    client.once('ready', () => settle({ ok: true, client, hops: [] }));
    client.on('error', (error: Ssh2Error) => {
      // Errors after 'ready' belong to whoever uses the connection; they watch 'close'.
      if (error.level === 'agent') return; // An unusable agent is not fatal: keys may follow.
      settle({ ok: false, outcome: classifyConnectError(error, hostKeyRejection) });
    });
    client.once('close', () =>
      settle({
        ok: false,
        outcome: {
          kind: 'unreachable',
          stage: 'reset',
          message: 'connection closed during the handshake',
        },
      }),
    );
    void buildConfig(settings, options, (reason) => (hostKeyRejection = reason)).then(
      (config) => {
        // The deadline or an abort may have ended the attempt while the keys were read: then
        // nobody would end a connection made now.
        if (chain.isOver()) return;
        // A hop's stream comes from the hop before it, whatever its own config says (as ssh -J
        // does); else the host's ProxyCommand, else a direct connection (coalescing-socket.ts
        // says why that one is special).
        if (!sock && settings.proxyCommand !== undefined) {
          proxy = startProxyCommand(settings.proxyCommand, {
            label: hop.label,
            onNote: options.onNote,
          });
          chain.onProxy(proxy);
        }
        client.connect({
          ...config,
          sock: sock ?? proxy?.socket ?? connectCoalescing(settings.hostname, settings.port),
        });
        skipHostKeysProve(client);
      },
      (error: Error) => settle({ ok: false, outcome: classifyConnectError(error) }),
    );
  });
}

async function buildConfig(
  settings: SshSettings,
  options: ConnectOptions,
  onReject: (reason: string) => void,
): Promise<ConnectConfig> {
  const identities = await loadIdentities(settings.identityFiles, options.onNote);
  const useAgent = options.agentSocket !== undefined && !settings.identitiesOnly;
  const config: ConnectConfig = {
    host: settings.hostname,
    port: settings.port,
    username: settings.user,
    // Our own deadline covers the chain; ssh2's would fire per hop with a vaguer error.
    readyTimeout: options.connectTimeoutMs + 1000,
    keepaliveInterval: settings.serverAliveIntervalMs ?? options.keepaliveIntervalMs,
    keepaliveCountMax: settings.serverAliveCountMax ?? options.keepaliveCountMax,
    agent: useAgent ? options.agentSocket : undefined,
    hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
      const policy = options.hostKeyPolicy ?? policyFromConfig(settings);
      decideHostKey(settings, key, policy, options.knownHosts).then(
        (decision) => {
          if (decision.added) options.onNote?.(decision.added);
          if (!decision.accept) onReject(decision.reason ?? 'host key refused');
          verify(decision.accept);
        },
        (error: Error) => {
          onReject(`could not check the host key: ${error.message}`);
          verify(false);
        },
      );
    },
  };
  // Offer the agent first, then each identity in order, as OpenSSH does.
  const queue: AnyAuthMethod[] = [];
  if (useAgent && options.agentSocket) {
    queue.push({ type: 'agent', username: settings.user, agent: options.agentSocket });
  }
  for (const identity of identities) {
    queue.push({ type: 'publickey', username: settings.user, key: identity.key });
  }
  // ssh2 takes `false` as "no more methods"; its typings leave that value out.
  const noMore = false as unknown as AnyAuthMethod;
  config.authHandler = (_methodsLeft, _partial, next) => next(queue.shift() ?? noMore);
  return config;
}

function forwardTo(
  client: Client,
  next: SshSettings,
): Promise<{ ok: true; stream: Duplex } | { ok: false; outcome: Outcome }> {
  return new Promise((resolve) => {
    client.forwardOut('127.0.0.1', 0, next.hostname, next.port, (error, stream) => {
      if (error) {
        resolve({
          ok: false,
          outcome: {
            kind: 'unreachable',
            stage: 'refused',
            message: `jump host could not open a channel to ${next.hostname}:${next.port}: ${error.message}`,
          },
        });
      } else resolve({ ok: true, stream });
    });
  });
}

/** StrictHostKeyChecking from the ssh config; `ask` has nobody to ask here, so it refuses. */
function policyFromConfig(settings: SshSettings): HostKeyPolicy {
  const value = settings.strictHostKeyChecking;
  if (value === 'ask') return 'yes';
  return value ?? 'accept-new';
}

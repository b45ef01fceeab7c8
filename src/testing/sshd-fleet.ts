import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderClientConfig, renderHostsFile, renderKnownHosts } from './client-files.js';
import { onProcessExit } from './exit-hook.js';
import { generateKeyPair } from './keys.js';
import { freePort, loopbackAddress } from './network.js';
import {
  childrenOf,
  descendantsOf,
  isSameProcessAlive,
  readProcessTable,
  trySignal,
  waitUntil,
  type ProcessEntry,
} from './processes.js';
import { renderSshdConfig } from './sshd-config.js';
import { PortTakenError, startSshd, type SshdProcess } from './sshd-process.js';
import type { KillConnectionsOptions, SshFleet, SshFleetOptions } from './fleet-types.js';
import { resolveLogin } from './test-user.js';

/** Starts one sshd for `options.hosts` loopback hosts; resolves once it answers with a banner. */
export async function startSshFleet(options: SshFleetOptions): Promise<SshFleet> {
  if (!Number.isInteger(options.hosts) || options.hosts < 1) {
    throw new RangeError(`hosts must be a whole number of at least 1, not ${options.hosts}`);
  }
  const user = await resolveLogin(options.user ?? 'root');
  const first = options.firstAddress ?? 2;
  const addresses = Array.from({ length: options.hosts }, (_, i) => loopbackAddress(first + i));
  const fleet = new RunningSshFleet(user, addresses, options.logLevel ?? 'ERROR');
  try {
    await fleet.start();
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}

class RunningSshFleet implements SshFleet {
  readonly dir: string;
  readonly privateKeyPath: string;
  readonly privateKey: Buffer;
  readonly publicKey: string;
  readonly knownHostsPath: string;
  readonly sshConfigPath: string;
  readonly hostsFilePath: string;
  readonly sshdConfigPath: string;
  private readonly hostKeyPath: string;
  private currentPort = 0;
  private currentHostKey = '';
  private sshd: SshdProcess | undefined;
  /** Processes that lost the listener as an ancestor (keepCommands, rotateHostKey), for stop(). */
  private readonly leftovers: ProcessEntry[] = [];
  private stopping: Promise<void> | undefined;
  private readonly forgetExitHook: () => void;

  constructor(
    readonly user: string,
    readonly addresses: readonly string[],
    private readonly logLevel: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'lwt-sshd-'));
    // Traversable by all: a 'nonroot' login reads authorized_keys from here.
    chmodSync(this.dir, 0o755);
    this.forgetExitHook = onProcessExit(() => this.killEverythingSync());
    this.privateKeyPath = join(this.dir, 'id_ed25519');
    this.hostKeyPath = join(this.dir, 'ssh_host_ed25519_key');
    this.knownHostsPath = join(this.dir, 'known_hosts');
    this.sshConfigPath = join(this.dir, 'ssh_config');
    this.hostsFilePath = join(this.dir, 'hosts');
    this.sshdConfigPath = join(this.dir, 'sshd_config');
    const client = generateKeyPair();
    this.privateKey = Buffer.from(client.privateKey);
    this.publicKey = client.publicKey;
    writeFileSync(this.privateKeyPath, client.privateKey, { mode: 0o600 });
    writeFileSync(`${this.privateKeyPath}.pub`, `${client.publicKey}\n`, { mode: 0o644 });
    const authorizedKeys = join(this.dir, 'authorized_keys');
    writeFileSync(authorizedKeys, `${client.publicKey}\n`);
    // Readable by all whatever the umask: sshd reads it as the user logging in.
    chmodSync(authorizedKeys, 0o644);
  }

  get port(): number {
    return this.currentPort;
  }

  get hostPublicKey(): string {
    return this.currentHostKey;
  }

  get sshdPid(): number {
    return this.sshd?.pid ?? 0;
  }

  /** Picks a port, writes every file, starts sshd; retries when the port was taken meanwhile. */
  async start(): Promise<void> {
    this.writeHostKey();
    for (let attempt = 1; ; attempt++) {
      this.currentPort = await freePort();
      this.writeConfigs();
      try {
        await this.listen();
        return;
      } catch (error) {
        if (!(error instanceof PortTakenError) || attempt >= 5) throw error;
      }
    }
  }

  private writeHostKey(): void {
    const host = generateKeyPair();
    writeFileSync(this.hostKeyPath, host.privateKey, { mode: 0o600 });
    this.currentHostKey = host.publicKey;
  }

  private writeConfigs(): void {
    const sshdConfig = renderSshdConfig({
      port: this.port,
      hostKeyPath: this.hostKeyPath,
      pidFilePath: join(this.dir, 'sshd.pid'),
      authorizedKeysPath: join(this.dir, 'authorized_keys'),
      logLevel: this.logLevel,
    });
    writeFileSync(this.sshdConfigPath, sshdConfig);
    writeFileSync(
      this.sshConfigPath,
      renderClientConfig({
        addresses: this.addresses,
        port: this.port,
        user: this.user,
        identityPath: this.privateKeyPath,
        knownHostsPath: this.knownHostsPath,
      }),
    );
    writeFileSync(
      this.knownHostsPath,
      renderKnownHosts(this.addresses, this.port, this.hostPublicKey),
    );
    writeFileSync(this.hostsFilePath, renderHostsFile(this.addresses, this.port, this.user));
  }

  private async listen(): Promise<void> {
    this.sshd = await startSshd({
      configPath: this.sshdConfigPath,
      logPath: join(this.dir, 'sshd.log'),
      port: this.port,
      probeAddress: this.addresses[0] ?? '127.0.0.1',
    });
  }

  async connectionPids(): Promise<number[]> {
    const pid = this.sshdPid;
    return pid === 0 ? [] : childrenOf(pid).map((p) => p.pid);
  }

  async killConnections(options: KillConnectionsOptions = {}): Promise<void> {
    const pid = this.sshdPid;
    if (pid === 0) return;
    const table = readProcessTable();
    const connections = childrenOf(pid, table);
    for (const connection of connections) {
      const tree = [connection, ...descendantsOf(connection.pid, table)];
      for (const p of tree) {
        // The whole tree, not only the listener's child: for a non-root login that child is the
        // privileged monitor, and the session (its unprivileged child, which holds the TCP
        // connection) runs on without it. sshd's processes are all named sshd; commands are not.
        if (options.keepCommands && p.comm !== 'sshd') this.leftovers.push(p);
        else trySignal(p.pid, 'SIGKILL');
      }
    }
    // The listener reaps its children; wait for that, so connectionPids() is current on return.
    const killed = new Set(connections.map((c) => c.pid));
    await waitUntil(
      () => !childrenOf(pid).some((c) => killed.has(c.pid)),
      5_000,
      'killed sshd connections to be reaped',
    );
  }

  async rotateHostKey(): Promise<void> {
    const sshd = this.sshd;
    if (!sshd || this.stopping) throw new Error('the fleet is not running');
    // Only the listener: connections already made keep their session, as on a real host.
    // They lose their parent with it, so remember them for stop() to kill.
    this.leftovers.push(...descendantsOf(sshd.pid));
    sshd.child.ref();
    trySignal(sshd.pid, 'SIGTERM');
    await sshd.exited;
    this.sshd = undefined;
    this.writeHostKey();
    await this.listen();
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    const sshd = this.sshd;
    sshd?.child.ref(); // Keep the event loop alive until it has been reaped.
    this.killEverythingSync();
    await sshd?.exited;
    this.forgetExitHook();
  }

  /** SIGKILLs the listener, every process under it, and tracked leftovers; removes the folder. */
  private killEverythingSync(): void {
    const pid = this.sshdPid;
    if (pid !== 0) {
      const tree = descendantsOf(pid);
      // The listener first, so that it accepts nothing new while its children die.
      trySignal(pid, 'SIGKILL');
      for (const p of tree) trySignal(p.pid, 'SIGKILL');
    }
    for (const p of this.leftovers.splice(0)) {
      if (isSameProcessAlive(p)) trySignal(p.pid, 'SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

import type { FleetUser } from './test-user.js';

export interface SshFleetOptions {
  /** How many hosts (addresses); at least 1. */
  readonly hosts: number;
  /**
   * Who logs in: 'root' (default), 'nonroot' (the system user lwt-test, created when missing;
   * use it where signal behaviour matters), or 'self' (whoever runs us; works without root).
   * 'root' and 'nonroot' throw SshFleetUnavailableError when we are not root.
   */
  readonly user?: FleetUser;
  /** The number of the first address: 2 (default) is 127.0.0.2, 258 is 127.0.1.2. */
  readonly firstAddress?: number;
  /** sshd's LogLevel (default ERROR); DEBUG1 logs each request a client makes, in sshd.log. */
  readonly logLevel?: 'ERROR' | 'INFO' | 'DEBUG1';
}

export interface KillConnectionsOptions {
  /**
   * Kill only the per-connection sshd processes and leave the commands they ran orphaned, as
   * when an sshd crashes: for testing that a remote watchdog stops them. Default false: the
   * commands die too, as on a host that went down. stop() kills any leftovers either way.
   */
  readonly keepCommands?: boolean;
}

/**
 * A running OpenSSH sshd that answers as many hosts: 127.0.0.2, 127.0.0.3, ... all on one port,
 * with keys made for the run. Files are in `dir`; `stop()` removes them.
 */
export interface SshFleet {
  readonly port: number;
  /** The hosts' addresses, in order. */
  readonly addresses: readonly string[];
  /** The login name (root, lwt-test, or ours). */
  readonly user: string;
  /** The fleet's own folder: keys, configs, sshd's log (sshd.log). */
  readonly dir: string;
  /** The client's private key (OpenSSH format, mode 0600). */
  readonly privateKeyPath: string;
  readonly privateKey: Buffer;
  /** The client's public key, "ssh-ed25519 AAAA...", the one authorized_keys line. */
  readonly publicKey: string;
  /** The host key the server offers now, "ssh-ed25519 AAAA..." (changes on rotateHostKey). */
  readonly hostPublicKey: string;
  /**
   * `[127.0.0.x]:port key` for every address, written at start. rotateHostKey does not update it:
   * it is the client's memory, which is what a changed-key test needs.
   */
  readonly knownHostsPath: string;
  /** An ssh_config for `ssh -F`: port, user, identity, known_hosts, strict host key checking. */
  readonly sshConfigPath: string;
  /** An lwt hosts file, `user@127.0.0.x:port` a line. */
  readonly hostsFilePath: string;
  readonly sshdConfigPath: string;
  /** The listener's pid (changes on rotateHostKey). */
  readonly sshdPid: number;
  /** The per-connection sshd processes: the listener's children. */
  connectionPids(): Promise<number[]>;
  /** SIGKILLs every connection: a host whose sshd session dies mid-command. */
  killConnections(options?: KillConnectionsOptions): Promise<void>;
  /** Restarts the listener with a new host key on the same port; open connections live on. */
  rotateHostKey(): Promise<void>;
  /** Kills sshd and everything it started, then removes `dir`. Safe to call more than once. */
  stop(): Promise<void>;
}

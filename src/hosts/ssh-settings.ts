import { existsSync } from 'node:fs';
import { homedir, hostname as localHostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../usage-error.js';
import type { HostEntry } from './host-entry.js';
import { parseProxyJump, type JumpSpec } from './jump-spec.js';
import {
  computeConfig,
  list,
  parseStrict,
  single,
  whole,
  yesNo,
  type StrictHostKeyChecking,
} from './ssh-config-values.js';
import { proxyCommandOf, type ParsedSshConfig } from './ssh-config.js';
import {
  expandPath,
  expandTokens,
  isControlCharacter,
  unsafeHostCharacter,
  unsafeUserCharacter,
  usedTokens,
} from './ssh-tokens.js';

/** How to reach one host, as OpenSSH would work it out from the entry, -l/-i and ssh_config. */
export interface SshSettings {
  /** The name ssh_config was matched against: the entry's host. */
  readonly alias: string;
  /** What to connect to: HostName (with %h expanded) or the alias. */
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  /** Private keys to offer, in order: -i, then IdentityFile, else the default keys that exist. */
  readonly identityFiles: readonly string[];
  /** IdentitiesOnly: offer only `identityFiles`, not every key of the agent. */
  readonly identitiesOnly: boolean;
  /** Hosts to jump through, first hop first; each resolved through the same config. */
  readonly proxyJump: readonly SshSettings[];
  /**
   * ProxyCommand, tokens expanded, when the config sets it before any ProxyJump (OpenSSH's
   * rule). Its standard input and output carry the connection; a later hop of a ProxyJump list
   * never has one (it is reached through the hop before it).
   */
  readonly proxyCommand?: string;
  readonly connectTimeoutMs?: number;
  readonly serverAliveIntervalMs?: number;
  readonly serverAliveCountMax?: number;
  /** UserKnownHostsFile, or ~/.ssh/known_hosts and ~/.ssh/known_hosts2; new keys go to the first. */
  readonly userKnownHostsFiles: readonly string[];
  readonly strictHostKeyChecking?: StrictHostKeyChecking;
}

/** ssh's command-line flags and the local facts that settings depend on. */
export interface SshResolveOptions {
  /** ~/.ssh/config or the file of -F; none means OpenSSH's defaults. */
  readonly config?: ParsedSshConfig;
  /** -l: wins over `user@` and User, for the destination only (as ssh -J does). */
  readonly user?: string;
  /** -i: offered before IdentityFile, for the destination only. */
  readonly identityFiles?: readonly string[];
  /** Where ~ and %d point; os.homedir() by default. */
  readonly homeDir?: string;
  /** The login when nothing names one (and %u); os.userInfo().username by default. */
  readonly localUser?: string;
}

/** More hops than this is a ProxyJump loop, not a network. */
const MAX_HOPS = 8;
const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * Resolves how to reach an entry as OpenSSH would: user from -l, then `user@`, then User, then
 * the local user; port from `:port`, then Port, then 22; identities from -i, then IdentityFile,
 * else the default keys that exist; ProxyJump hops resolved through the same config.
 */
export function resolveSshSettings(entry: HostEntry, options: SshResolveOptions = {}): SshSettings {
  const context: Context = {
    config: options.config,
    homeDir: options.homeDir ?? local().homeDir,
    localUser: options.localUser ?? local().user,
    entry,
  };
  const target = { host: entry.host, user: options.user ?? entry.user, port: entry.port };
  return resolveTarget(target, options.identityFiles ?? [], context, [entry.host], true);
}

interface Context {
  readonly config?: ParsedSshConfig;
  readonly homeDir: string;
  readonly localUser: string;
  /** The host being resolved, for the errors about it. */
  readonly entry: HostEntry;
}

function resolveTarget(
  target: JumpSpec,
  extraIdentities: readonly string[],
  context: Context,
  path: readonly string[],
  followJumps: boolean,
): SshSettings {
  const alias = target.host;
  const values = computeConfig(context.config, alias, target.user);
  const origin = `${context.config?.file ?? 'ssh config'} (for ${alias})`;
  const hostSetting = single(values.hostname);
  const hostname = hostSetting
    ? expandTokens(hostSetting, { h: alias }, `HostName in ${origin}`)
    : alias;
  const port = target.port ?? whole(single(values.port), 'Port', origin) ?? 22;
  const user = target.user ?? single(values.user) ?? context.localUser;
  const tokens = {
    d: context.homeDir,
    u: context.localUser,
    i: local().uid,
    l: local().hostname,
    L: local().hostname.split('.')[0] ?? '',
    h: hostname,
    n: alias,
    p: String(port),
    r: user,
  };
  const toPath = (value: string, what: string) =>
    expandPath(expandTokens(value, tokens, `${what} in ${origin}`), context.homeDir);
  const identityFiles = [
    ...extraIdentities.map((file) => expandPath(file, context.homeDir)),
    ...list(values.identityfile).map((file) => toPath(file, 'IdentityFile')),
  ];
  const knownHosts = list(values.userknownhostsfile);
  const proxy = single(values.proxyjump);
  const command = proxy === undefined ? undefined : proxyCommandOf(proxy);
  const jump = command === undefined ? proxy : undefined;
  // A later hop of `ProxyJump a,b` is reached through the list, whatever its own config says.
  const proxyCommand =
    followJumps && command !== undefined && command.toLowerCase() !== 'none'
      ? expandProxyCommand(command, { hostname, alias, port, user }, origin, context)
      : undefined;
  if (
    proxyCommand !== undefined &&
    yesNo(single(values.proxyusefdpass), 'ProxyUseFdpass', origin) === true
  ) {
    throw new UsageError(
      `${context.entry.name}: ProxyUseFdpass in ${origin} asks the ProxyCommand to hand over a ` +
        'connected socket, which lwt cannot take: set ProxyUseFdpass no for lwt',
      context.entry.source,
    );
  }
  const intervalSeconds = whole(single(values.serveraliveinterval), 'ServerAliveInterval', origin);
  const timeoutSeconds = whole(single(values.connecttimeout), 'ConnectTimeout', origin);
  const countMax = whole(single(values.serveralivecountmax), 'ServerAliveCountMax', origin);
  const strict = single(values.stricthostkeychecking);
  return {
    alias,
    hostname,
    port,
    user,
    identityFiles: unique(identityFiles.length > 0 ? identityFiles : defaultIdentities(context)),
    identitiesOnly: yesNo(single(values.identitiesonly), 'IdentitiesOnly', origin) ?? false,
    proxyJump: followJumps && jump !== undefined ? resolveHops(jump, origin, context, path) : [],
    ...(proxyCommand !== undefined && { proxyCommand }),
    ...(timeoutSeconds !== undefined && { connectTimeoutMs: timeoutSeconds * 1000 }),
    ...(intervalSeconds !== undefined && { serverAliveIntervalMs: intervalSeconds * 1000 }),
    ...(countMax !== undefined && { serverAliveCountMax: countMax }),
    userKnownHostsFiles: knownHostsFiles(knownHosts, toPath, context.homeDir),
    ...(strict !== undefined && { strictHostKeyChecking: parseStrict(strict, origin) }),
  };
}

/**
 * The hops in connection order. Like `ssh -J a,b`, the first hop is reached through its own
 * ProxyJump; the later hops' own ProxyJump is overridden by the list.
 */
function resolveHops(
  value: string,
  origin: string,
  context: Context,
  path: readonly string[],
): SshSettings[] {
  const specs = parseProxyJump(value, `ProxyJump in ${origin}`);
  const hops: SshSettings[] = [];
  specs.forEach((spec, index) => {
    const through = [...path, spec.host];
    if (through.length > MAX_HOPS + 1) {
      throw new UsageError(
        `ProxyJump goes through more than ${MAX_HOPS} hops (${through.join(' -> ')} ...): ` +
          `it loops; fix ProxyJump in ${context.config?.file ?? 'the ssh config'}, ` +
          "for instance with 'Host * !bastion' around a catch-all ProxyJump",
      );
    }
    const hop = resolveTarget(spec, [], context, through, index === 0);
    hops.push(...hop.proxyJump, { ...hop, proxyJump: [] });
  });
  if (hops.length > MAX_HOPS) {
    throw new UsageError(
      `ProxyJump of ${path[0]} has ${hops.length} hops, more than ${MAX_HOPS}: ` +
        `shorten it in ${context.config?.file ?? 'the ssh config'}`,
    );
  }
  return hops;
}

/** Who is reached, as ProxyCommand's tokens see it. */
interface ProxyTarget {
  readonly hostname: string;
  readonly alias: string;
  readonly port: number;
  readonly user: string;
}

/**
 * ProxyCommand with OpenSSH's tokens (sshconnect.c, expand_proxy_command: %h %k %n %p %r; %k is
 * HostKeyAlias there, which lwt does not read, so the alias). The command goes to a shell, so a
 * name or login it takes that holds a shell metacharacter is refused, as OpenSSH 9.6 refuses one
 * from its command line: lwt's hosts file and -w play that part.
 */
function expandProxyCommand(
  command: string,
  target: ProxyTarget,
  origin: string,
  context: Context,
): string {
  const what = `ProxyCommand in ${origin}`;
  if (command === '-') {
    throw new UsageError(
      `${context.entry.name}: ${what} is '-' (the connection on ssh's own standard input and ` +
        'output), which cannot serve many hosts: write a command, or use ProxyJump',
      context.entry.source,
    );
  }
  const names: Record<string, { value: string; kind: string; login: boolean }> = {
    h: { value: target.hostname, kind: 'host name', login: false },
    k: { value: target.alias, kind: 'host', login: false },
    n: { value: target.alias, kind: 'host', login: false },
    r: { value: target.user, kind: 'user', login: true },
  };
  for (const token of usedTokens(command)) {
    const name = Object.hasOwn(names, token) ? names[token] : undefined;
    if (!name) continue;
    const bad = name.login ? unsafeUserCharacter(name.value) : unsafeHostCharacter(name.value);
    if (bad === undefined) continue;
    throw new UsageError(
      `${context.entry.name}: ${name.kind} '${printable(name.value)}' would go into the ` +
        `${what} as %${token}, and ${describeCharacter(bad)} is special to the shell: ` +
        `use a ${name.login ? 'login' : 'name'} without shell metacharacters, spaces or ` +
        'control characters (OpenSSH 9.6 refuses them too)',
      context.entry.source,
    );
  }
  return expandTokens(
    command,
    {
      h: target.hostname,
      k: target.alias,
      n: target.alias,
      p: String(target.port),
      r: target.user,
    },
    what,
  );
}

/** A value shown in a one-line message: control characters as \xNN. */
function printable(value: string): string {
  return [...value].map((c) => (isControlCharacter(c) ? hexEscape(c) : c)).join('');
}

function describeCharacter(c: string): string {
  if (c === '-') return "a leading '-'";
  if (c === ' ') return 'a space';
  if (c.length > 1) return `'-' after a blank`;
  if (/\s/.test(c) || isControlCharacter(c)) return `the character ${hexEscape(c)}`;
  return c === "'" ? `"'"` : `'${c}'`;
}

function hexEscape(c: string): string {
  return `\\x${(c.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`;
}

function knownHostsFiles(
  configured: readonly string[],
  toPath: (value: string, what: string) => string,
  homeDir: string,
): string[] {
  if (configured.length === 1 && configured[0]?.toLowerCase() === 'none') return [];
  if (configured.length > 0) return configured.map((file) => toPath(file, 'UserKnownHostsFile'));
  return [join(homeDir, '.ssh', 'known_hosts'), join(homeDir, '.ssh', 'known_hosts2')];
}

function defaultIdentities(context: Context): string[] {
  return DEFAULT_IDENTITIES.map((name) => join(context.homeDir, '.ssh', name)).filter((file) =>
    existsSync(file),
  );
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

interface LocalFacts {
  readonly user: string;
  readonly homeDir: string;
  readonly uid: string;
  readonly hostname: string;
}

let localFacts: LocalFacts | undefined;

/**
 * Who and where lwt runs, read once per process: os.userInfo() reads the passwd database on each
 * call (50 us), which resolving 200 hosts did 200 times.
 */
function local(): LocalFacts {
  localFacts ??= {
    user: currentUser(),
    homeDir: homedir(),
    uid: String(process.getuid?.() ?? ''),
    hostname: localHostname(),
  };
  return localFacts;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo() throws for a uid without a passwd entry (some containers).
    return process.env.USER ?? process.env.LOGNAME ?? 'root';
  }
}

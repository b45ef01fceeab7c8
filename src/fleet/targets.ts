import {
  loadSshConfig,
  resolveSshSettings,
  type HostEntry,
  type ParsedSshConfig,
} from '../hosts/index.js';
import type { RemoteTarget } from '../transport/transport.js';

/** How hosts are reached, as ssh's flags and ~/.ssh/config say. */
export interface SshOptions {
  /** Parsed ~/.ssh/config or the file of -F; none means OpenSSH defaults. */
  readonly config?: ParsedSshConfig;
  /** -l: overrides every other user. */
  readonly user?: string;
  /** -i: offered before the configured identities. */
  readonly identityFiles?: readonly string[];
}

/** Each entry with the settings OpenSSH would use for it, and its home as the working folder. */
export function resolveTargets(entries: readonly HostEntry[], ssh: SshOptions): RemoteTarget[] {
  return entries.map((entry) => {
    const settings = resolveSshSettings(entry, {
      config: ssh.config,
      user: ssh.user,
      identityFiles: ssh.identityFiles,
    });
    return { name: entry.name, home: entry.home, settings };
  });
}

/** resolveTargets with ~/.ssh/config read when the caller gave no parsed config. */
export async function resolveHostTargets(
  entries: readonly HostEntry[],
  ssh: SshOptions,
): Promise<RemoteTarget[]> {
  return resolveTargets(entries, {
    ...ssh,
    config: ssh.config ?? (await loadSshConfig(undefined)),
  });
}

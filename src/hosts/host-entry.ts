/** One host of the fleet: a line of the hosts file (after range expansion) or an item of -w. */
export interface HostEntry {
  /**
   * The display name and the name of the host's folder (outdir, per-host puts): the host as
   * written after range expansion, with `user@` and `:port` only when written
   * ("deploy@web01:2222"). Never contains '/'.
   */
  readonly name: string;
  /** Address or ~/.ssh/config alias to connect to (an IPv6 address without brackets). */
  readonly host: string;
  /** `user@` as written; ssh's -l and ~/.ssh/config's User decide otherwise. */
  readonly user?: string;
  /** `:port` as written; ~/.ssh/config's Port or 22 otherwise. */
  readonly port?: number;
  /** Groups the host belongs to (-g selects by them); LWT's category is one. */
  readonly tags: readonly string[];
  /** The folder on the host that commands run in and files go to; the login's home otherwise. */
  readonly home?: string;
  /** How many tasks the host takes at once (whole number >= 1); the scheduler's default otherwise. */
  readonly slots?: number;
  /** The file and line that named the host; none for hosts given with -w. */
  readonly source?: { readonly file: string; readonly line: number };
}

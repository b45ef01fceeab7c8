import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { HostEntry } from '../hosts/index.js';
import { putToHost, type PutSpec } from '../files/put-host.js';
import { scanLocal } from '../files/scan-local.js';
import { SharedPayload } from '../files/shared-payload.js';
import type { CompareMode, TreeEntry } from '../files/tree-entry.js';
import type { Transport } from '../transport/transport.js';
import { UsageError } from '../usage-error.js';
import { createSsh2Transport, type ConnectionOptions } from './default-transport.js';
import { runTransfer, type HostJob } from './run-transfer.js';
import { resolveHostTargets, type SshOptions } from './targets.js';
import type { TransferReporter, TransferResult } from './transfer-events.js';

export interface TransferOptions extends SshOptions, Omit<ConnectionOptions, 'reporters'> {
  /** Hosts at once; default 64. */
  readonly parallel?: number;
  /** Bounds each host's whole transfer once connected, in ms; 0 or none for no deadline. */
  readonly timeoutMs?: number;
  /** quick (size and mtime, the default), checksum (content), or force (send everything). */
  readonly compare?: CompareMode;
  readonly reporters?: readonly TransferReporter[];
  /** Another way to reach hosts (shared connections, the fake of lwt/testing); the caller closes it. */
  readonly transport?: Transport;
}

/**
 * `lwt put`: the same files and folders to every host, into `remote`. One source without a
 * trailing slash on `remote` becomes `remote` (a folder's contents go into it; a file is
 * written as it, or into it when it is a folder there); several sources, or `remote/`, go
 * into `remote` under their own names. Throws UsageError before anything is sent.
 */
export async function put(
  hosts: readonly HostEntry[],
  sources: readonly string[],
  remote: string,
  options: TransferOptions = {},
): Promise<TransferResult> {
  checkRemote(remote);
  if (sources.length === 0) throw new UsageError('nothing to send: give LOCAL... then REMOTE');
  let spec: PutSpec;
  if (sources.length === 1 && !remote.endsWith('/')) {
    spec = await specFor(sources[0] as string, remote);
  } else {
    const entries: TreeEntry[] = [];
    for (const source of sources) entries.push(...(await scanLocal(source, localName(source))));
    spec = { remote, entries };
  }
  const payload = new SharedPayload();
  return transfer(hosts, () => ({ run: runPut(spec, payload, options) }), options);
}

/**
 * `lwt put --per-host`: `dir/<host>` to each host (the name as in the hosts file). A host with
 * no folder is skipped; a folder that names no selected host is a note.
 */
export async function putPerHost(
  hosts: readonly HostEntry[],
  dir: string,
  remote: string,
  options: TransferOptions = {},
): Promise<TransferResult> {
  checkRemote(remote);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(
      `${dir}: not a folder: --per-host takes a folder with one folder per host`,
    );
  }
  const folders = readdirSync(dir);
  const names = new Set(hosts.map((h) => h.name));
  const matched = folders.filter((f) => names.has(f));
  if (matched.length === 0) {
    const example = hosts[0]?.name ?? 'web01';
    throw new UsageError(
      `${dir}: no folder named after a selected host: make ${join(dir, example)}/ for host ${example}`,
    );
  }
  const specs = new Map<string, PutSpec>();
  for (const name of matched) specs.set(name, await specFor(join(dir, name), remote));
  for (const folder of folders.filter((f) => !names.has(f))) {
    options.reporters?.forEach((r) =>
      r.onNote?.(`${join(dir, folder)} names no selected host: not sent`),
    );
  }
  const payload = new SharedPayload();
  return transfer(
    hosts,
    (host) => {
      const spec = specs.get(host.name);
      return spec
        ? { run: runPut(spec, payload, options) }
        : { outcome: { kind: 'skipped', reason: `no folder ${join(dir, host.name)}` } };
    },
    options,
  );
}

/** The fan-out of put, per-host put and get. */
export async function transfer(
  hosts: readonly HostEntry[],
  jobFor: (host: HostEntry) => HostJob,
  options: TransferOptions,
): Promise<TransferResult> {
  const parallel = options.parallel ?? 64;
  if (!Number.isInteger(parallel) || parallel < 1)
    throw new RangeError(`parallel must be >= 1, got ${parallel}`);
  const targets = await resolveHostTargets(hosts, options);
  const jobs = hosts.map(jobFor);
  const reporters = options.reporters ?? [];
  const transport =
    options.transport ??
    createSsh2Transport({
      ...options,
      reporters: [{ onNote: (m) => reporters.forEach((r) => r.onNote?.(m)) }],
    });
  try {
    return await runTransfer(targets, jobs, {
      transport,
      parallel,
      timeoutMs: options.timeoutMs ?? 0,
      stopper: options.stopper,
      reporters,
    });
  } finally {
    if (!options.transport) await transport.close();
  }
}

function runPut(
  spec: PutSpec,
  payload: SharedPayload,
  options: TransferOptions,
): Extract<HostJob, { run: unknown }>['run'] {
  return (session, run) =>
    putToHost(session, spec, { ...run, compare: options.compare ?? 'quick', payload });
}

/** One source to `remote` itself: a folder's contents into it, a file as it (see put). */
async function specFor(source: string, remote: string): Promise<PutSpec> {
  const entries = await scanLocal(source, '');
  const isFile =
    entries.length === 1 && entries[0]?.kind === 'file' && !statSync(source).isDirectory();
  return { remote, entries, singleFile: isFile };
}

function localName(source: string): string {
  const name = basename(source.replace(/\/+$/, ''));
  if (name === '' || name === '.' || name === '..') {
    throw new UsageError(
      `${source}: has no name to send it under: give its path by name (../app, not ..)`,
    );
  }
  return name;
}

function checkRemote(remote: string): void {
  if (remote.trim() === '') {
    throw new UsageError("REMOTE is empty: give a destination path such as /opt/app or 'data/'");
  }
}

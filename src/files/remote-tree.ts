import { kindOfMode, type ExistingItem } from './put-plan.js';
import type { RemoteFiles } from '../transport/remote-files.js';
import { joinPath, type TreeEntry } from './tree-entry.js';

/**
 * What already exists under `base` on the host, for the folders `entries` name: one readdir a
 * folder (its lstat attributes come with it), all of a level at once, and only into folders
 * that exist there. Links of `entries` that are links there too get their target read.
 */
export async function listRemoteTree(
  session: RemoteFiles,
  base: string,
  entries: readonly TreeEntry[],
): Promise<Map<string, ExistingItem>> {
  const found = new Map<string, ExistingItem>();
  const wanted = new Set(entries.filter((e) => e.kind === 'dir').map((e) => e.rel));
  let level = [''];
  while (level.length > 0) {
    const listings = await Promise.all(
      level.map(async (rel) => ({ rel, list: await session.readdir(joinPath(base, rel)) })),
    );
    const next: string[] = [];
    for (const { rel, list } of listings) {
      for (const item of list ?? []) {
        const childRel = rel === '' ? item.filename : `${rel}/${item.filename}`;
        const kind = kindOfMode(item.attrs.mode);
        found.set(childRel, {
          kind,
          size: item.attrs.size,
          mtimeSec: item.attrs.mtime,
          mode: item.attrs.mode,
        });
        if (kind === 'dir' && wanted.has(childRel)) next.push(childRel);
      }
    }
    level = next;
  }
  const links = entries.filter((e) => e.kind === 'symlink' && found.get(e.rel)?.kind === 'symlink');
  await Promise.all(
    links.map(async (link) => {
      const item = found.get(link.rel);
      if (item)
        found.set(link.rel, { ...item, target: await session.readlink(joinPath(base, link.rel)) });
    }),
  );
  return found;
}

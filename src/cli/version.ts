import { readFileSync } from 'node:fs';

/**
 * lwt's version, from its own package.json. yargs would guess it from the folder above its own
 * node_modules, which inside the CLI bundle is none: it then searched upward from the working
 * directory and printed "unknown", or another project's version. This file and the bundle both
 * sit two folders below the package root (dist/cli/, dist/cli-bundle/; src/cli/ in tests).
 */
export function lwtVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

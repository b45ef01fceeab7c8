import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Launcher } from './launch.js';
import { nodeLauncher } from './node-launcher.js';
import { Spawner } from './spawner.js';

/**
 * Where `npm run build` puts lwt-spawner. Two levels up is the package root both from
 * dist/pool/ (lwt as installed) and from src/pool/ (the tests, which run the sources).
 */
export const SPAWNER_PATH = fileURLToPath(new URL('../../dist/pool/lwt-spawner', import.meta.url));

let chosen: Launcher | undefined;
let spawner: Spawner | undefined;

/**
 * lwt-spawner where it was built (there was a C compiler at build time), else Node's own
 * spawn. LWT_SPAWNER=node forces the latter. Chosen once per process; a spawner that cannot
 * run here (built for another machine, say) hands its commands to Node's spawn.
 */
export function defaultLauncher(): Launcher {
  if (chosen) return chosen;
  if (process.env.LWT_SPAWNER !== 'node' && isExecutable(SPAWNER_PATH)) {
    const own = new Spawner(SPAWNER_PATH, nodeLauncher);
    spawner = own;
    chosen = (command, options, callbacks) => own.launch(command, options, callbacks);
  } else {
    chosen = nodeLauncher;
  }
  return chosen;
}

/** Lets the default spawner, if any, exit once idle (Spawner.close); for the end of a run. */
export async function closeDefaultLauncher(): Promise<void> {
  await spawner?.close();
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

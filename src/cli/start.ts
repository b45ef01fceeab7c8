import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { enableCompileCache } from './compile-cache.js';

/**
 * The CLI bundle that scripts/bundle-cli.mjs builds: lwt's CLI with yargs and ssh2 in one file.
 * This file is bundled next to it as dist/cli-bundle/start.cjs, which the bins require.
 */
const BUNDLE = fileURLToPath(new URL('../cli-bundle/lwt.cjs', import.meta.url));

interface CliBundle {
  runCli(alias?: string): Promise<void>;
}

/** What the bins call: loads the CLI bundle through Node's compile cache, and runs the CLI. */
export async function startCli(alias?: string): Promise<void> {
  enableCompileCache();
  const bundle = createRequire(import.meta.url)(BUNDLE) as CliBundle;
  await bundle.runCli(alias);
}

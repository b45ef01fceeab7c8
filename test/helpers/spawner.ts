import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SPAWNER_PATH } from '../../src/pool/default-launcher.js';

/** Whether this machine has the C compiler that `npm run build` makes lwt-spawner with. */
export const haveCompiler =
  spawnSync('sh', ['-c', 'command -v "${CC:-cc}"'], { stdio: 'ignore' }).status === 0;

/** Whether lwt-spawner was built; tests of it skip only where there is no compiler. */
export const spawnerBuilt = existsSync(SPAWNER_PATH);

export { SPAWNER_PATH };

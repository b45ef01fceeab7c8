import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** What the project's lint says about `code` as if it were the file at `path`. */
async function lintAs(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the layer rule', () => {
  it('refuses an import from a layer above, at any depth', async () => {
    const direct = await lintAs(
      'src/transport/probe.ts',
      "import { exec } from '../fleet/exec.js';\nexport const x = exec;\n",
    );
    expect(direct).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*transport\/ is below/),
    ]);
    const nested = await lintAs(
      'src/transport/ssh2/probe.ts',
      "import { fleetLines } from '../../report/fleet-lines.js';\nexport const x = fleetLines;\n",
    );
    expect(nested).toEqual([expect.stringMatching(/layers import only downwards/)]);
  });

  it('refuses the public index inside the library', async () => {
    const messages = await lintAs(
      'src/fleet/probe.ts',
      "import { exec } from '../index.js';\nexport const x = exec;\n",
    );
    expect(messages).toEqual([expect.stringMatching(/public API/)]);
  });

  it('lets a layer import its own folder and the layers below', async () => {
    const messages = await lintAs(
      'src/fleet/probe.ts',
      [
        "import { runOnHosts } from './run-on-hosts.js';",
        "import { putToHost } from '../files/put-host.js';",
        "import { Stopper } from '../pool/stop.js';",
        "import { UsageError } from '../usage-error.js';",
        'export const x = [runOnHosts, putToHost, Stopper, UsageError];',
        '',
      ].join('\n'),
    );
    expect(messages).toEqual([]);
  });
});

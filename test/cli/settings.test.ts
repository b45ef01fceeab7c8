import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeSummary, runLwt } from '../helpers/lwt-process.js';
import { tempDir } from '../helpers/processes.js';

/** Option defaults from LWT_* variables and .lwt/config.json, seen through `lwt run -t`. */
describe('settings from the environment and .lwt/config.json', () => {
  let dir: { path: string; remove: () => void };
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  const config = (content: string) => {
    mkdirSync(join(dir.path, '.lwt'));
    writeFileSync(join(dir.path, '.lwt', 'config.json'), content);
  };
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runLwt(['run', ...args], { input: 'sleep 2\n', cwd: dir.path, env });

  it('takes an option from LWT_<OPTION>', async () => {
    const r = await run([], { LWT_TIMEOUT: '0.3' });
    expect(r.code).toBe(3);
    expect(normalizeSummary(r.stderr)).toBe(
      'lwt run: 0 ok, 1 timed out (1 command in Xs)\n  #1 timed out after 0.3s: sleep 2\n',
    );
  });

  it('takes an option from .lwt/config.json, and lets LWT_* and then flags win over it', async () => {
    config('{"timeout": 0.3, "parallel": 9}');
    expect((await run([])).stderr).toContain('timed out after 0.3s');
    expect((await run([], { LWT_TIMEOUT: '0.4' })).stderr).toContain('timed out after 0.4s');
    const flagged = await run(['-t', '0.5'], { LWT_TIMEOUT: '0.4' });
    expect(flagged.stderr).toContain('timed out after 0.5s');
  });

  it('ignores settings the command has no option for, and LWT_DEBUG', async () => {
    // "parallel" is an option of the fleet commands, not of lwt run.
    config('{"parallel": 9}');
    const r = await runLwt(['run'], {
      input: 'true\n',
      cwd: dir.path,
      env: { LWT_FOO: '1', LWT_DEBUG: '1' },
    });
    expect(r.code).toBe(0);
    expect(normalizeSummary(r.stderr)).toBe('lwt run: 1 ok (1 command in Xs)\n');
  });

  it('names a broken config file and exits 2 without running anything', async () => {
    config('{"timeout": 0.3,');
    const r = await runLwt(['run'], { input: 'echo ran\n', cwd: dir.path });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^lwt: .*\.lwt\/config\.json: not valid JSON \(.*\): fix or remove it\n$/,
    );
  });

  it('says which option is unknown and where the options are listed', async () => {
    const r = await runLwt(['run', '--bogus'], { input: 'echo ran\n', cwd: dir.path });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('lwt: unknown option --bogus: lwt run --help lists what it takes\n');
    const extra = await runLwt(['run', 'cmds.txt', 'more.txt'], { input: '', cwd: dir.path });
    expect(extra.code).toBe(2);
    expect(extra.stderr).toBe(
      "lwt: unexpected argument 'more.txt': lwt run --help lists what it takes\n",
    );
    const command = await runLwt(['bogus'], { input: '', cwd: dir.path });
    expect(command.code).toBe(2);
    expect(command.stderr).toBe("lwt: unknown command 'bogus': lwt --help lists them\n");
  });
});

import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../helpers/processes.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** main() in this process with a hook that records when it is called among what main writes. */
async function runMain(argv: string[], cwd: string): Promise<{ code: number; events: string[] }> {
  const events: string[] = [];
  const stderr = new PassThrough();
  stderr.on('data', () => events.push('output'));
  const code = await main(argv, {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr,
    env: {},
    cwd,
    setExitCode: () => {},
    onCommandLoaded: () => events.push('loaded'),
  });
  return { code, events };
}

describe('main: onCommandLoaded (when start.ts lets V8 optimize later)', () => {
  let dir: { path: string; remove: () => void };
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('is called once the command is loaded, before it runs', async () => {
    const { code, events } = await runMain(['put', 'only-one-path'], dir.path);
    expect(code).toBe(2);
    expect(events).toEqual(['loaded', 'output']);
  });

  it('is called once even when main parses again without settings the command lacks', async () => {
    mkdirSync(join(dir.path, '.lwt'));
    writeFileSync(join(dir.path, '.lwt', 'config.json'), '{"parallel": 9}');
    const { code, events } = await runMain(['run', '--tag', 'none', '/nonexistent/cmds'], dir.path);
    expect(code).toBe(2);
    expect(events.filter((e) => e === 'loaded')).toHaveLength(1);
    expect(events[0]).toBe('loaded');
  });
});

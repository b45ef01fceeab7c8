import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runLwt } from '../helpers/lwt-process.js';

const LOCALE_VARIABLES = ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE'] as const;
const GERMAN = Object.fromEntries(LOCALE_VARIABLES.map((name) => [name, 'de_DE.UTF-8']));

/** main() in this process; yargs reads the locale from process.env, not from the context. */
async function runMain(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = new PassThrough();
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await main(argv, {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: err,
    env: {},
    setExitCode: () => {},
  });
  return { code, stderr };
}

describe("yargs' messages, which main.ts reads, whatever the locale", () => {
  const saved = Object.fromEntries(LOCALE_VARIABLES.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of LOCALE_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('are English in the library under a German locale', async () => {
    Object.assign(process.env, GERMAN);
    expect(await runMain(['exec', 'true', '-t'])).toEqual({
      code: 2,
      stderr: 'lwt: -t needs a value\n',
    });
    expect(await runMain(['exec', 'true', '--bogus'])).toEqual({
      code: 2,
      stderr: 'lwt: unknown option --bogus: lwt exec --help lists what it takes\n',
    });
  });

  it('are English from the bin under a German locale', async () => {
    for (const [args, message] of [
      [['exec', 'true', '-t'], 'lwt: -t needs a value\n'],
      [
        ['put', 'a', 'b', '--bogus'],
        'lwt: unknown option --bogus: lwt put --help lists what it takes\n',
      ],
      [['frobnicate'], "lwt: unknown command 'frobnicate': lwt --help lists them\n"],
    ] as const) {
      const result = await runLwt(args, { env: GERMAN });
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 2, stderr: message });
    }
  });
});

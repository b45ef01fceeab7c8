import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bins } from '../helpers/lwt-process.js';

/** Runs bin/lwt as a shell would start it: its `#!/bin/sh` line, not `node bin/lwt`. */
function runBin(
  args: readonly string[],
  input: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bins.lwt, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Our environment without LWT_* settings, which lwt would read as options. */
const cleanEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LWT_')));

describe('the bin launcher', () => {
  it('passes arguments, input and the exit code through', async () => {
    const result = await runBin(
      ['run', '-j', '1', '--tag', 'none'],
      `printf '%s|' "a  b" 'c"d'; exit 3\n`,
      cleanEnv(),
    );
    expect(result.stdout).toBe('a  b|c"d|\n');
    expect(result.code).toBe(1);
  });

  it('starts put and get too (with their V8 flag): a usage error comes back as exit 2', async () => {
    const put = await runBin(['put', 'only-one-path'], '', cleanEnv());
    expect(put.code).toBe(2);
    expect(put.stderr).toMatch(/^lwt: /);
  });

  it('hands NODE_EXTRA_CA_CERTS to the commands without Node reading it itself', async () => {
    const missing = '/nonexistent/lwt-test-ca.pem';
    const result = await runBin(
      ['run', '-j', '1', '--tag', 'none'],
      'echo "$NODE_EXTRA_CA_CERTS ${_LWT_NODE_EXTRA_CA_CERTS-none}"\n',
      { ...cleanEnv(), NODE_EXTRA_CA_CERTS: missing },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${missing} none\n`);
    // A node that read the variable at start-up warns that it could not load the file.
    expect(result.stderr).not.toMatch(/extra certs/i);
  });
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/lwt-process.js';

/** The README's first command must work on a machine with no fleet configured. */
describe('npm run demo', () => {
  it('runs lwt exec over SSH against a throwaway fleet, in each output mode', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'demo', 'main.js')], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    // Lines mode: every live host, each line prefixed.
    for (const host of ['web1', 'web2', 'web3']) expect(lines).toContain(`${host}: I am frontend`);
    expect(lines).toContain('db1: I am database');
    // Gather mode: the two identical hosts folded, the failing, slow and dead ones apart.
    expect(r.stdout).toContain('web[1-2] (2)\n---------------\nfrontend\n');
    expect(r.stdout).toContain('web3 (1) exit 3\n---------------\nstderr: disk full\n');
    expect(r.stdout).toContain('db1 (1) timed out after 2.0s\n');
    expect(r.stdout).toMatch(/old1 \(1\) unreachable \(refused\)/);
    expect(r.stdout).toContain('(exit code 4)');
    // JSON mode: one parseable object per web host.
    const json = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as unknown);
    expect(json).toHaveLength(4);
    expect(json).toContainEqual(
      expect.objectContaining({ host: 'web2', outcome: { kind: 'ok' }, stdout: 'frontend\n' }),
    );
    // -o: the files of each host, written as output came.
    expect(lines).toContain('  web1.out: frontend');
    expect(lines).toContain('  web2.err: note');
    // A host that printed 30 MB: the JSON keeps 40 bytes and says how much there was.
    expect(json).toContainEqual(
      expect.objectContaining({
        host: 'web1',
        stdout: 'x'.repeat(40),
        stdoutBytes: 30_000_000,
        stdoutTruncated: true,
      }),
    );
    expect(r.stdout).toContain('Demo done: every server stopped and its folder removed.');
    expect(r.stdout).not.toContain('\x1b[');
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bins, repoRoot, runLwt } from '../helpers/lwt-process.js';

// ssh2 builds this at install time where there is a compiler (.ci/run installs one); without
// it ssh2 falls back to slower JavaScript crypto, and there is nothing to check.
const BINDING = join(
  repoRoot,
  'node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node',
);

describe('the CLI bundle', () => {
  it("prints lwt's own version wherever it runs, not the working directory's project's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lwt-version-'));
    try {
      writeFileSync(join(dir, 'package.json'), '{"name": "other", "version": "9.9.9"}\n');
      const ours = (
        JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
      ).version;
      const result = await runLwt(['--version'], { cwd: dir });
      expect(result).toMatchObject({ code: 0, stdout: `${ours}\n`, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never reads the working directory's package.json: a FIFO there does not block it", async () => {
    // yargs guesses a version from the first package.json above the working directory unless
    // told not to (scripts/bundle-cli.mjs); reading a FIFO that nobody writes blocks for ever.
    const dir = mkdtempSync(join(tmpdir(), 'lwt-version-'));
    try {
      const made = spawnSync('mkfifo', [join(dir, 'package.json')]);
      expect(made.status).toBe(0);
      const result = await runLwt(['--version'], { cwd: dir, hangMs: 10_000 });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(BINDING))(
    "loads ssh2's native crypto binding, as ssh2 does outside the bundle",
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'lwt-bundle-'));
      try {
        // Preloaded into the lwt process: at exit, list the native addons it loaded.
        const preload = join(dir, 'report.cjs');
        const out = join(dir, 'objects.json');
        writeFileSync(
          preload,
          `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, ` +
            `JSON.stringify(process.report.getReport().sharedObjects)));\n`,
        );
        // `exec --help` loads the exec command, and with it ssh2, without connecting anywhere.
        const result = spawnSync(
          process.execPath,
          ['--require', preload, bins.lwt, 'exec', '--help'],
          {
            encoding: 'utf8',
            env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') },
          },
        );
        expect(result.status).toBe(0);
        const objects = JSON.parse(readFileSync(out, 'utf8')) as string[];
        expect(objects).toContain(BINDING);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

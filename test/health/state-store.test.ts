import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHealthConfig } from '../../src/health/config-file.js';
import { recordChecks, type HostsState } from '../../src/health/hosts-state.js';
import {
  loadHostsState,
  saveHostsState,
  stateDirFor,
  STATE_FILE_NAME,
} from '../../src/health/state-store.js';
import { UsageError } from '../../src/usage-error.js';
import { repoRoot } from '../helpers/lwt-process.js';
import { tempDir, waitFor } from '../helpers/processes.js';

const dirs: ReturnType<typeof tempDir>[] = [];
const freshDir = () => {
  const dir = tempDir();
  dirs.push(dir);
  return dir.path;
};
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

const oneHost = (name: string): HostsState =>
  recordChecks(
    undefined,
    [
      {
        key: `root@${name}:22`,
        name,
        record: {
          at: new Date().toISOString(),
          status: 'available',
          why: '',
          figures: {},
          durationMs: 1,
        },
      },
    ],
    new Date(),
  );

describe('the state file', () => {
  it('lives in .lwt next to the hosts file', () => {
    expect(stateDirFor('/work/fleet/hosts')).toBe('/work/fleet/.lwt');
  });

  it('round-trips, and tells a missing file from one that is not ours', async () => {
    const dir = freshDir();
    const path = join(dir, '.lwt', STATE_FILE_NAME);
    expect(await loadHostsState(path)).toEqual({ kind: 'missing' });
    const state = oneHost('web1');
    await saveHostsState(path, state);
    expect(await loadHostsState(path)).toEqual({ kind: 'ok', state });
    writeFileSync(path, '{"version": 1, "hosts": {"a"');
    expect(await loadHostsState(path)).toMatchObject({
      kind: 'unreadable',
      message: /^not valid JSON/,
    });
    writeFileSync(path, '{"version": 2, "hosts": {}}');
    expect(await loadHostsState(path)).toEqual({
      kind: 'unreadable',
      message: 'not an lwt hosts state (version 1)',
    });
  });

  it('removes temporary files of writers that died over a minute ago, and only those', async () => {
    const dir = join(freshDir(), '.lwt');
    mkdirSync(dir);
    const old = join(dir, `${STATE_FILE_NAME}.tmp-1-dead`);
    const recent = join(dir, `${STATE_FILE_NAME}.tmp-2-busy`);
    writeFileSync(old, '{');
    writeFileSync(recent, '{');
    const past = Date.now() / 1000 - 120;
    utimesSync(old, past, past);
    await saveHostsState(join(dir, STATE_FILE_NAME), oneHost('a'));
    expect(readdirSync(dir).sort()).toEqual([STATE_FILE_NAME, `${STATE_FILE_NAME}.tmp-2-busy`]);
  });

  it('holds the old content or the new, never a broken file, when its writer is killed -9', async () => {
    const dir = freshDir();
    const path = join(dir, '.lwt', STATE_FILE_NAME);
    const storeUrl = pathToFileURL(join(repoRoot, 'dist', 'health', 'state-store.js')).href;
    // A big state (about 1 MB) so that a kill often lands inside a write. Every host of one
    // generation carries that generation's name: a file mixing two would show it.
    const writer = `
      const { saveHostsState } = await import(${JSON.stringify(storeUrl)});
      const pad = 'x'.repeat(4000);
      for (let generation = 0; ; generation++) {
        const hosts = {};
        for (let i = 0; i < 250; i++) {
          hosts['h' + i] = { name: 'gen-' + generation, last: { pad }, history: [] };
        }
        await saveHostsState(${JSON.stringify(path)}, { version: 1, updatedAt: String(generation), hosts });
        if (generation === 0) process.stdout.write('first\\n');
      }`;
    const seen = new Set<string>();
    for (let round = 0; round < 10; round++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', writer], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      try {
        let said = '';
        child.stdout.on('data', (d: Buffer) => (said += d.toString()));
        expect(await waitFor(() => said.includes('first'), 15_000)).toBe(true);
        // Somewhere in the middle of a later write.
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 200));
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
      const loaded = await loadHostsState(path);
      expect(loaded.kind).toBe('ok');
      const state = (loaded as { state: HostsState }).state;
      const names = new Set(Object.values(state.hosts).map((h) => h.name));
      expect(Object.keys(state.hosts)).toHaveLength(250);
      expect([...names]).toEqual([`gen-${state.updatedAt}`]);
      seen.add(state.updatedAt);
    }
    // The writer got past its first file in at least one round: the test saw real overwrites.
    expect([...seen].some((g) => g !== '0')).toBe(true);
  });
});

describe('the health settings in .lwt/config.json', () => {
  const configIn = (text: string) => {
    const dir = freshDir();
    writeFileSync(join(dir, 'config.json'), text);
    return dir;
  };

  it('reads thresholds and leaves settings of other commands alone', async () => {
    const dir = configIn(
      JSON.stringify({
        parallel: 32,
        'max-load': 1.5,
        check: 'test -d /data',
        'max-age': '2h',
        'min-free-disk': '5G',
      }),
    );
    expect(await loadHealthConfig(dir)).toEqual({
      'max-load': 1.5,
      check: ['test -d /data'],
      'max-age': '2h',
      'min-free-disk': '5G',
    });
    expect(await loadHealthConfig(freshDir())).toEqual({});
  });

  it.each([
    ['{"max-age": "2x"}', `'max-age' must be like "90s", "30m", "1h" or "2d", got "2x"`],
    [
      '{"min-free-disk": "lots"}',
      `'min-free-disk' must be like "500M", "2G" or 1048576 (bytes), got "lots"`,
    ],
    ['{"max-load": "high"}', `'max-load' must be a number of 0 or more, got "high"`],
    ['{"check": ["ok", 3]}', `'check' must be a command or a list of commands, got ["ok",3]`],
    ['{"bandwidth": "yes"}', `'bandwidth' must be true or false, got "yes"`],
    ['[1]', 'must hold one JSON object, like {"max-load": 1.5}'],
    ['{"max-load": ', 'not valid JSON ('],
  ])('%s is a usage error naming the file', async (text, message) => {
    const dir = configIn(text);
    const error = await loadHealthConfig(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).format()).toContain(`${join(dir, 'config.json')}: ${message}`);
  });

  it('is no config when the folder does not exist', async () => {
    const dir = join(freshDir(), 'nowhere');
    expect(existsSync(dir)).toBe(false);
    expect(await loadHealthConfig(dir)).toEqual({});
  });
});

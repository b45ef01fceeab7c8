import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoFleet, type DemoFleet } from '../src/demo/demo-fleet.js';
import {
  exec,
  exitCodeFor,
  loadHostsFile,
  loadSshConfig,
  type HostRef,
  type HostResult,
} from '../src/index.js';

/** The library use the README shows: exec over a hosts file, reporters, ok/failed views. */
describe('the library API', () => {
  let fleet: DemoFleet;
  beforeAll(async () => {
    fleet = await startDemoFleet([
      { alias: 'a1', address: '127.0.0.30', tags: 'x', files: { role: 'one\n' } },
      { alias: 'a2', address: '127.0.0.31', tags: 'x', files: { role: 'two\n', broken: '' } },
    ]);
  });
  afterAll(async () => await fleet?.stop());

  it('runs on every host, reports typed events, and splits ok from failed', async () => {
    const hosts = await loadHostsFile(fleet.hostsFile);
    const config = await loadSshConfig(fleet.sshConfig);
    const started: string[] = [];
    const lines: string[] = [];
    const ended: string[] = [];
    const run = await exec(hosts, 'cat role; if [ -f broken ]; then exit 5; fi', {
      config,
      timeoutMs: 30_000,
      reporters: [
        {
          onHostStart: (h: HostRef) => started.push(h.name),
          onLines: (h, stream, bytes) =>
            void lines.push(`${h.name} ${stream} ${String(bytes).trimEnd()}`),
          onHostEnd: (r: HostResult) => ended.push(`${r.name} ${r.outcome.kind}`),
        },
      ],
    });
    expect(started.sort()).toEqual(['a1', 'a2']);
    expect(lines.sort()).toEqual(['a1 stdout one', 'a2 stdout two']);
    expect(ended.sort()).toEqual(['a1 ok', 'a2 exit']);
    expect(run.results.map((r) => r.name)).toEqual(['a1', 'a2']);
    expect(run.ok.map((r) => r.name)).toEqual(['a1']);
    expect(run.failed.map((r) => [r.name, r.outcome])).toEqual([['a2', { kind: 'exit', code: 5 }]]);
    expect(exitCodeFor(run.results.map((r) => r.outcome))).toBe(1);
  });

  it('throws for bad arguments instead of running anything', async () => {
    const hosts = await loadHostsFile(fleet.hostsFile);
    await expect(exec(hosts, '  ')).rejects.toThrow('the command is empty');
    await expect(exec(hosts, 'true', { parallel: 0 })).rejects.toThrow('parallel must be >= 1');
  });
});

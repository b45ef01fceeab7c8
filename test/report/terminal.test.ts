import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoFleet, type DemoFleet } from '../../src/demo/demo-fleet.js';
import { bins, runLwt } from '../helpers/lwt-process.js';

/** Carriage return and erase-line: how the live line redraws itself, as a RegExp source. */
const CLEAR = '\\r\\x1b\\[K';

// script(1) runs a command on a pseudo-terminal, as a user at a terminal would see it.
const script = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));

/** lwt exec as seen on a terminal (a live line) and off one (none), over real SSH. */
describe.skipIf(!script)('output on a terminal and off one', () => {
  let fleet: DemoFleet;
  beforeAll(async () => {
    fleet = await startDemoFleet([
      { alias: 't1', address: '127.0.0.40', tags: 'x', files: {} },
      { alias: 't2', address: '127.0.0.41', tags: 'x', files: {} },
    ]);
  });
  afterAll(async () => await fleet?.stop());

  const args = () => ['exec', '-H', fleet.hostsFile, '-F', fleet.sshConfig, '-n', '--'];

  it('draws a live done/total line on a terminal and clears it before the summary', async () => {
    const line = [process.execPath, bins.lwt, ...args(), "'sleep 0.6; echo hi'"].join(' ');
    // Not spawnSync: the fleet's SSH servers live in this process and must keep answering.
    const { stdout: screen } = await promisify(execFile)(
      script as string,
      ['-qec', line, '/dev/null'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(screen).toMatch(new RegExp(`${CLEAR}0/2 done, \\d+\\.\\ds`));
    expect(screen).toMatch(new RegExp(`${CLEAR}2/2 done, \\d+\\.\\ds`));
    // The line is cleared before output and the summary, so neither is glued to it.
    expect(screen).toMatch(new RegExp(`${CLEAR}t[12]: hi\\r\\n`));
    expect(screen).toMatch(
      new RegExp(`${CLEAR}lwt exec: 2 ok \\(2 hosts in \\d+\\.\\ds\\)\\r\\n$`),
    );
  });

  it('writes no escape sequences when stdout and stderr are not terminals', async () => {
    const r = await runLwt([...args(), 'sleep 0.6; echo hi'], { input: '' });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').sort()).toEqual(['', 't1: hi', 't2: hi']);
    expect(r.stderr).toMatch(/^lwt exec: 2 ok \(2 hosts in \d+\.\ds\)\n$/);
  });
});

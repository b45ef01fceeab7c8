import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { leftoverAction, leftoverRunId, makeRunId } from '../../src/files/leftovers.js';

/** A pid that no process has now: a child that has exited and been reaped. */
const deadPid = () =>
  Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }).trim());

describe('names of leftovers', () => {
  const run = makeRunId();

  it('a run id is client-pid-random', () => {
    expect(run).toMatch(new RegExp(`^[0-9a-f]{6}-${process.pid}-[0-9a-f]{8}$`));
    expect(makeRunId()).not.toBe(run);
  });

  it.each([
    [`.lwt-${run}-0`, run],
    [`.lwt-${run}-12`, run],
    [`.app.conf.lwt-${run}`, run],
    [`.it's a "quoted" name.txt.lwt-${run}`, run],
    [`..two.lwt-${run}`, run],
  ])('%s is a leftover of its run', (name, owner) => {
    expect(leftoverRunId(name)).toBe(owner);
  });

  it.each([
    'app.conf',
    '.lwt-notours',
    `lwt-${run}-0`, // no leading dot: not a name lwt makes
    `.lwt-${run}`, // a staging folder has a batch number
    `app.lwt-${run}`,
    `.app.lwt-${run}.bak`,
    '.app.lwt-123-deadbeef', // the run id of an older lwt, without a client part
  ])('%s is not', (name) => {
    expect(leftoverRunId(name)).toBeUndefined();
  });
});

describe('leftoverAction', () => {
  const current = makeRunId();
  const tag = current.slice(0, 6);

  it("keeps the current run's own names", () => {
    expect(leftoverAction(current, current)).toBe('keep');
  });

  it('removes now what a dead process of this machine left', () => {
    expect(leftoverAction(`${tag}-${deadPid()}-0badc0de`, current)).toBe('now');
  });

  it('waits for idleness when the writer may still run', () => {
    // Another put in this very process, a live process here, another machine.
    expect(leftoverAction(`${tag}-${process.pid}-0badc0de`, current)).toBe('idle');
    expect(leftoverAction(`${tag}-1-0badc0de`, current)).toBe('idle');
    const other = tag === 'abcdef' ? 'abcdee' : 'abcdef';
    expect(leftoverAction(`${other}-${deadPid()}-0badc0de`, current)).toBe('idle');
  });
});

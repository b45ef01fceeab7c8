import { afterEach, describe, expect, it } from 'vitest';
import { Stopper } from '../../src/pool/stop.js';
import type { CommandLine } from '../../src/run/command-lines.js';
import type { RunReporter, RunSummary } from '../../src/run/events.js';
import { runCommands } from '../../src/run/run-commands.js';
import { MarkerRegistry, countSleeps, survivors, waitFor } from '../helpers/processes.js';

const markers = new MarkerRegistry();

afterEach(() => {
  expect(markers.reap(), 'processes left behind (now killed)').toEqual([]);
});

function lines(...commands: string[]): CommandLine[] {
  return commands.map((command, i) => ({ number: i + 1, command }));
}

/** A reporter that writes down every event it sees. */
function recorder(): {
  events: string[];
  reporter: RunReporter;
  summary: () => RunSummary | undefined;
} {
  const events: string[] = [];
  let summary: RunSummary | undefined;
  return {
    events,
    summary: () => summary,
    reporter: {
      onCommandStart: (c) => void events.push(`start ${c.number}`),
      onCommandEnd: (r) => void events.push(`end ${r.number} ${r.outcome.kind}`),
      onRunEnd: (s) => {
        summary = s;
        events.push('run end');
      },
    },
  };
}

describe('runCommands', () => {
  it('runs every command and reports each start before its end, then the run end', async () => {
    const rec = recorder();
    const summary = await runCommands(lines('echo a', 'exit 3', 'echo c >&2'), {
      jobs: 1,
      timeoutMs: 0,
      killAfterMs: 1000,
      reporters: [rec.reporter],
    });
    expect(rec.events).toEqual([
      'start 1',
      'end 1 ok',
      'start 2',
      'end 2 exit',
      'start 3',
      'end 3 ok',
      'run end',
    ]);
    expect(summary.interrupted).toBe(false);
    expect(rec.summary()).toBe(summary);
    expect(
      summary.results.map((r) => [r.number, r.command, r.outcome, r.stdout, r.stderr]),
    ).toEqual([
      [1, 'echo a', { kind: 'ok' }, 'a\n', ''],
      [2, 'exit 3', { kind: 'exit', code: 3 }, '', ''],
      [3, 'echo c >&2', { kind: 'ok' }, '', 'c\n'],
    ]);
  });

  it('applies the per-command timeout', async () => {
    const marker = markers.next();
    const summary = await runCommands(lines(`sleep 1000.${marker}`, 'echo fast'), {
      jobs: 2,
      timeoutMs: 300,
      killAfterMs: 300,
    });
    const byNumber = [...summary.results].sort((a, b) => a.number - b.number);
    expect(byNumber.map((r) => r.outcome)).toEqual([
      { kind: 'timeout', phase: 'run', afterMs: 300 },
      { kind: 'ok' },
    ]);
    expect(await survivors(marker)).toEqual([]);
  });

  it('reports results in the order commands end', async () => {
    const summary = await runCommands(lines('sleep 0.6; echo slow', 'echo fast'), {
      jobs: 2,
      timeoutMs: 0,
      killAfterMs: 1000,
    });
    expect(summary.results.map((r) => r.number)).toEqual([2, 1]);
  });

  it('after a stop, starts nothing more, cancels what runs and says it was interrupted', async () => {
    const marker = markers.next();
    const stopper = new Stopper();
    const rec = recorder();
    const running = runCommands(
      lines(`sleep 1000.${marker}`, `sleep 1000.${marker}`, 'echo never 3', 'echo never 4'),
      { jobs: 2, timeoutMs: 0, killAfterMs: 1000, stopper, reporters: [rec.reporter] },
    );
    expect(await waitFor(() => countSleeps(marker) >= 2)).toBe(true);
    stopper.stop();
    const summary = await running;
    expect(summary.interrupted).toBe(true);
    expect(summary.results.map((r) => r.outcome)).toEqual([
      { kind: 'canceled' },
      { kind: 'canceled' },
    ]);
    expect(rec.events.filter((e) => e.startsWith('start')).sort()).toEqual(['start 1', 'start 2']);
    expect(await survivors(marker)).toEqual([]);
  });

  it.each([0, -1, 2.5])('refuses jobs = %s', async (jobs) => {
    await expect(
      runCommands(lines('true'), { jobs, timeoutMs: 0, killAfterMs: 0 }),
    ).rejects.toThrow(RangeError);
  });

  it('refuses a negative timeout', async () => {
    await expect(
      runCommands(lines('true'), { jobs: 1, timeoutMs: -1, killAfterMs: 0 }),
    ).rejects.toThrow(RangeError);
  });

  it('reports an empty run', async () => {
    const rec = recorder();
    const summary = await runCommands([], {
      jobs: 4,
      timeoutMs: 0,
      killAfterMs: 0,
      reporters: [rec.reporter],
    });
    expect(summary.results).toEqual([]);
    expect(rec.events).toEqual(['run end']);
  });
});

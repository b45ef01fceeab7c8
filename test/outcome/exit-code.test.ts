import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor, maxRemoteExitCode } from '../../src/outcome/exit-code.js';
import {
  OUTCOME_KINDS,
  describeOutcome,
  isSuccess,
  type Outcome,
  type OutcomeKind,
} from '../../src/outcome/outcome.js';
import { outcomeToJson } from '../../src/report/outcome-json.js';

/** One outcome of every kind, so that a kind added later without a test fails here. */
const sample: Record<OutcomeKind, Outcome> = {
  ok: { kind: 'ok' },
  exit: { kind: 'exit', code: 7 },
  signal: { kind: 'signal', signal: 'SIGSEGV', core: true },
  timeout: { kind: 'timeout', phase: 'run', afterMs: 1500 },
  unreachable: { kind: 'unreachable', stage: 'refused', message: 'connect ECONNREFUSED' },
  canceled: { kind: 'canceled' },
  'no-status': { kind: 'no-status' },
  skipped: { kind: 'skipped', reason: 'nothing to send' },
  error: { kind: 'error', message: '/proc/x: no such file or directory' },
};

/** The policy of the issue, kind by kind. */
const expected: Record<OutcomeKind, number> = {
  ok: 0,
  exit: 1,
  signal: 1,
  timeout: 3,
  unreachable: 4,
  canceled: 1,
  'no-status': 1,
  skipped: 0,
  error: 1,
};

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('exitCodeFor', () => {
  it('has a sample for every outcome kind', () => {
    expect(Object.keys(sample).sort()).toEqual([...OUTCOME_KINDS].sort());
  });

  it.each(OUTCOME_KINDS)('a run whose one outcome is %s', (kind) => {
    expect(exitCodeFor([sample[kind]])).toBe(expected[kind]);
  });

  it('is 0 when nothing ran', () => {
    expect(exitCodeFor([])).toBe(ExitCode.ok);
  });

  it('is 0 when everything is ok or skipped', () => {
    expect(exitCodeFor([sample.ok, sample.skipped, sample.ok])).toBe(0);
  });

  it('a single failure among successes makes 1', () => {
    expect(exitCodeFor([sample.ok, sample.ok, { kind: 'exit', code: 255 }, sample.ok])).toBe(1);
  });

  // The highest of 1, 3, 4 wins, whatever the order the outcomes came in.
  it.each<[string, OutcomeKind[], number]>([
    ['failed + timed out', ['exit', 'timeout'], 3],
    ['signal + timed out', ['signal', 'timeout'], 3],
    ['failed + unreachable', ['exit', 'unreachable'], 4],
    ['timed out + unreachable', ['timeout', 'unreachable'], 4],
    ['all of them', ['ok', 'exit', 'signal', 'timeout', 'unreachable', 'no-status'], 4],
    ['failures only', ['exit', 'signal', 'no-status', 'canceled'], 1],
    ['a transfer error + failed', ['error', 'exit'], 1],
    ['a transfer error + timed out', ['error', 'timeout'], 3],
    ['a transfer error + unreachable', ['error', 'unreachable'], 4],
  ])('%s is %i in every order', (_name, kinds, code) => {
    for (const order of permutations(kinds)) {
      expect(exitCodeFor(order.map((k) => sample[k]))).toBe(code);
    }
  });

  it.each<['SIGINT' | 'SIGTERM' | 'SIGPIPE', number]>([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGPIPE', 141],
  ])('a run stopped by %s is %i whatever the outcomes', (signal, code) => {
    for (const outcomes of [
      [],
      [sample.ok],
      [sample.unreachable, sample.timeout],
      [sample.canceled],
    ]) {
      expect(exitCodeFor(outcomes, { interruptedBy: signal })).toBe(code);
    }
  });

  it('accepts any iterable, a generator included', () => {
    function* outcomes(): Generator<Outcome> {
      yield sample.ok;
      yield sample.timeout;
    }
    expect(exitCodeFor(outcomes())).toBe(3);
  });

  it('uses the documented values', () => {
    expect(ExitCode).toEqual({
      ok: 0,
      failed: 1,
      usage: 2,
      timeout: 3,
      unreachable: 4,
      interrupted: 130,
      brokenPipe: 141,
      terminated: 143,
    });
  });
});

describe('maxRemoteExitCode (clush -S)', () => {
  it('is 0 for nothing, ok and skipped', () => {
    expect(maxRemoteExitCode([])).toBe(0);
    expect(maxRemoteExitCode([sample.ok, sample.skipped])).toBe(0);
  });

  it('is the largest exit code', () => {
    expect(
      maxRemoteExitCode([{ kind: 'exit', code: 3 }, sample.ok, { kind: 'exit', code: 42 }]),
    ).toBe(42);
    expect(maxRemoteExitCode([{ kind: 'exit', code: 255 }])).toBe(255);
  });

  it.each<OutcomeKind>(['signal', 'timeout', 'unreachable', 'no-status', 'canceled', 'error'])(
    'is 255 when any outcome is %s',
    (kind) => {
      expect(maxRemoteExitCode([{ kind: 'exit', code: 2 }, sample[kind], sample.ok])).toBe(255);
    },
  );
});

describe('the error outcome', () => {
  it('keeps its JSON shape: kind and message only', () => {
    expect(JSON.stringify(outcomeToJson(sample.error))).toBe(
      '{"kind":"error","message":"/proc/x: no such file or directory"}',
    );
  });
});

describe('isSuccess / describeOutcome', () => {
  it.each(OUTCOME_KINDS)('%s', (kind) => {
    expect(isSuccess(sample[kind])).toBe(kind === 'ok' || kind === 'skipped');
  });

  it.each<[Outcome, string]>([
    [sample.ok, 'ok'],
    [{ kind: 'exit', code: 3 }, 'exit 3'],
    [{ kind: 'signal', signal: 'SIGKILL', core: false }, 'signal SIGKILL'],
    [sample.signal, 'signal SIGSEGV (core dumped)'],
    [sample.timeout, 'timed out after 1.5s'],
    [
      { kind: 'timeout', phase: 'connect', afterMs: 30_000 },
      'timed out after 30s while connecting',
    ],
    [sample.unreachable, 'unreachable (refused): connect ECONNREFUSED'],
    [sample.canceled, 'canceled'],
    [sample['no-status'], 'ended without an exit status'],
    [sample.skipped, 'skipped: nothing to send'],
    [sample.error, '/proc/x: no such file or directory'],
  ])('%j reads "%s"', (outcome, text) => {
    expect(describeOutcome(outcome)).toBe(text);
  });
});

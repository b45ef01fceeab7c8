import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetResult, HostResult } from '../../src/fleet/events.js';
import type { Outcome } from '../../src/outcome/outcome.js';
import {
  fleetGather,
  fleetJsonLines,
  fleetLines,
  fleetOutdir,
  fleetSummary,
} from '../../src/report/index.js';
import { captureStream } from './capture.js';

function result(name: string, outcome: Outcome, stdout = '', stderr = ''): HostResult {
  return {
    name,
    user: 'deploy',
    port: 22,
    outcome,
    stdout,
    stderr,
    startedAt: new Date('2026-01-02T03:04:05.000Z'),
    durationMs: 12.4,
  };
}

function fleet(results: HostResult[]): FleetResult {
  return {
    results,
    ok: results.filter((r) => r.outcome.kind === 'ok'),
    failed: results.filter((r) => r.outcome.kind !== 'ok'),
    durationMs: 1234,
    interrupted: false,
  };
}

const sample = fleet([
  result('web01', { kind: 'ok' }, 'up 3 days\n'),
  result('web02', { kind: 'ok' }, 'up 3 days\n'),
  result('web03', { kind: 'ok' }, 'up 3 days\n'),
  result('web07', { kind: 'ok' }, 'up 3 days\n'),
  result('web04', { kind: 'exit', code: 1 }, '', 'disk full\n'),
  result('web05', { kind: 'timeout', phase: 'run', afterMs: 5000 }),
  result('web06', { kind: 'unreachable', stage: 'refused', message: 'connect ECONNREFUSED' }),
]);

describe('fleet reporters', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gather prints each distinct output once under its folded host list', () => {
    const stdout = captureStream();
    fleetGather({ stdout, stderr: captureStream() }).onRunEnd?.(sample);
    const rule = '-'.repeat(15);
    expect(stdout.text()).toBe(
      [
        rule,
        'web[01-03,07] (4)',
        rule,
        'up 3 days',
        rule,
        'web04 (1) exit 1',
        rule,
        'stderr: disk full',
        rule,
        'web05 (1) timed out after 5.0s',
        rule,
        rule,
        'web06 (1) unreachable (refused): connect ECONNREFUSED',
        rule,
        '',
      ].join('\n'),
    );
  });

  it('json prints the documented fields, one object a line', () => {
    const stdout = captureStream();
    const reporter = fleetJsonLines(stdout);
    for (const r of sample.results.slice(3, 6)) reporter.onHostEnd?.(r);
    const lines = stdout
      .text()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      {
        host: 'web07',
        user: 'deploy',
        port: 22,
        outcome: { kind: 'ok' },
        stdout: 'up 3 days\n',
        stderr: '',
        startedAt: '2026-01-02T03:04:05.000Z',
        durationMs: 12,
      },
      {
        host: 'web04',
        user: 'deploy',
        port: 22,
        outcome: { kind: 'exit', code: 1 },
        stdout: '',
        stderr: 'disk full\n',
        startedAt: '2026-01-02T03:04:05.000Z',
        durationMs: 12,
      },
      {
        host: 'web05',
        user: 'deploy',
        port: 22,
        outcome: { kind: 'timeout', phase: 'run', afterMs: 5000 },
        stdout: '',
        stderr: '',
        startedAt: '2026-01-02T03:04:05.000Z',
        durationMs: 12,
      },
    ]);
  });

  it('lines prefix every line with its host, stderr on stderr', () => {
    const stdout = captureStream();
    const stderr = captureStream();
    const reporter = fleetLines({ stdout, stderr });
    const host = { name: 'web01', user: 'u', port: 22 };
    reporter.onOutput?.(host, 'stdout', 'hello');
    reporter.onOutput?.(host, 'stderr', 'oops');
    reporter.onOutput?.({ ...host, name: 'web02' }, 'stdout', '');
    expect(stdout.text()).toBe('web01: hello\nweb02: \n');
    expect(stderr.text()).toBe('web01: oops\n');
  });

  it('outdir writes <host>.out, .err and .status for every host', () => {
    dir = mkdtempSync(join(tmpdir(), 'lwt-outdir-'));
    const reporter = fleetOutdir(join(dir, 'out'));
    for (const r of sample.results.slice(3, 5)) reporter.onHostEnd?.(r);
    const out = join(dir, 'out');
    expect(readdirSync(out).sort()).toEqual([
      'web04.err',
      'web04.out',
      'web04.status',
      'web07.err',
      'web07.out',
      'web07.status',
    ]);
    expect(readFileSync(join(out, 'web07.out'), 'utf8')).toBe('up 3 days\n');
    expect(readFileSync(join(out, 'web04.err'), 'utf8')).toBe('disk full\n');
    expect(JSON.parse(readFileSync(join(out, 'web04.status'), 'utf8'))).toEqual({
      host: 'web04',
      user: 'deploy',
      port: 22,
      outcome: { kind: 'exit', code: 1 },
      startedAt: '2026-01-02T03:04:05.000Z',
      durationMs: 12,
    });
  });

  it('summary counts each kind and names the hosts that did not succeed', () => {
    const stderr = captureStream();
    fleetSummary(stderr).onRunEnd?.(sample);
    expect(stderr.text()).toBe(
      [
        'lwt exec: 4 ok, 1 failed, 1 timed out, 1 unreachable (7 hosts in 1.2s)',
        '  web04: exit 1',
        '  web05: timed out after 5.0s',
        '  web06: unreachable (refused): connect ECONNREFUSED',
        '',
      ].join('\n'),
    );
  });
});

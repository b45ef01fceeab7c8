import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetResult, HostResult } from '../../src/fleet/events.js';
import type { Outcome } from '../../src/outcome/outcome.js';
import { fleetGather } from '../../src/report/fleet-gather.js';
import { fleetJsonLines } from '../../src/report/fleet-json.js';
import { fleetLines } from '../../src/report/fleet-lines.js';
import { fleetOutdir } from '../../src/report/fleet-outdir.js';
import { fleetSummary } from '../../src/report/fleet-summary.js';
import { captureStream } from './capture.js';

function result(name: string, outcome: Outcome, stdout = '', stderr = ''): HostResult {
  return {
    name,
    user: 'deploy',
    port: 22,
    outcome,
    stdout,
    stderr,
    stdoutBytes: Buffer.byteLength(stdout),
    stderrBytes: Buffer.byteLength(stderr),
    stdoutTruncated: false,
    stderrTruncated: false,
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
        stdoutBytes: 10,
        stderrBytes: 0,
        stdoutTruncated: false,
        stderrTruncated: false,
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
        stdoutBytes: 0,
        stderrBytes: 10,
        stdoutTruncated: false,
        stderrTruncated: false,
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
        stdoutBytes: 0,
        stderrBytes: 0,
        stdoutTruncated: false,
        stderrTruncated: false,
      },
    ]);
  });

  it('gather says where the output of a host was cut and how much there was', () => {
    const stdout = captureStream();
    const cut = {
      ...result('web01', { kind: 'ok' }, 'first part'),
      stdoutBytes: 5_000_000,
      stdoutTruncated: true,
    };
    fleetGather({ stdout, stderr: captureStream() }).onRunEnd?.(fleet([cut]));
    expect(stdout.text()).toContain(
      'first part\nlwt: stdout cut here: it printed 5.00 MB (5000000 bytes); --max-output sets how much is kept\n',
    );
  });

  it('lines prefix every line with its host, stderr on stderr', () => {
    const stdout = captureStream();
    const stderr = captureStream();
    const reporter = fleetLines({ stdout, stderr });
    const host = { name: 'web01', user: 'u', port: 22 };
    reporter.onLines?.(host, 'stdout', Buffer.from('hello\nwörld\n'));
    reporter.onLines?.(host, 'stderr', Buffer.from('oops\n'));
    reporter.onLines?.({ ...host, name: 'wéb02' }, 'stdout', Buffer.from('\n'));
    expect(stdout.text()).toBe('web01: hello\nweb01: wörld\nwéb02: \n');
    expect(stderr.text()).toBe('web01: oops\n');
  });

  it('lines pass bytes that are not UTF-8 on unchanged', () => {
    const chunks: Buffer[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    const reporter = fleetLines({ stdout, stderr: captureStream() });
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a]);
    reporter.onLines?.({ name: 'h', user: 'u', port: 22 }, 'stdout', bytes);
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat([Buffer.from('h: '), bytes]));
  });

  it('outdir writes the output of each host to <host>.out and .err as it arrives, then .status', () => {
    dir = mkdtempSync(join(tmpdir(), 'lwt-outdir-'));
    const out = join(dir, 'out');
    mkdirSync(out);
    const reporter = fleetOutdir(out);
    for (const r of sample.results.slice(3, 5)) {
      reporter.onHostStart?.(r);
      reporter.onData?.(r, 'stdout', Buffer.from(r.stdout.slice(0, 3)));
      // Written already, before the host ends: a reader can follow it.
      expect(readFileSync(join(out, `${r.name}.out`), 'utf8')).toBe(r.stdout.slice(0, 3));
      reporter.onData?.(r, 'stdout', Buffer.from(r.stdout.slice(3)));
      reporter.onData?.(r, 'stderr', Buffer.from(r.stderr));
      expect(readdirSync(out)).not.toContain(`${r.name}.status`);
      reporter.onHostEnd?.(r);
    }
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
      stdoutBytes: 0,
      stderrBytes: 10,
    });
  });

  it('outdir names the file and the reason once when a write fails, and drops the rest', () => {
    dir = mkdtempSync(join(tmpdir(), 'lwt-outdir-'));
    // Writes to /dev/full fail as on a full disk.
    symlinkSync('/dev/full', join(dir, 'web01.out'));
    const reporter = fleetOutdir(dir);
    const host = sample.results[0] as HostResult;
    reporter.onHostStart?.(host);
    expect(() => reporter.onData?.(host, 'stdout', Buffer.from('x'))).toThrow(
      `${join(dir, 'web01.out')}: no space left on device`,
    );
    expect(() => reporter.onData?.(host, 'stdout', Buffer.from('y'))).not.toThrow();
    reporter.onHostEnd?.(host);
    expect(readdirSync(dir).sort()).toEqual(['web01.err', 'web01.out', 'web01.status']);
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

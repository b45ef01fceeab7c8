import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeNodeExit,
  decodeSshExit,
  decodeWaitStatus,
  fromExitCode,
  normalizeSignal,
  signalName,
} from '../../src/outcome/decode.js';
import type { Outcome } from '../../src/outcome/outcome.js';

describe('signalName / normalizeSignal', () => {
  it.each([
    [1, 'SIGHUP'],
    [2, 'SIGINT'],
    [9, 'SIGKILL'],
    [11, 'SIGSEGV'],
    [15, 'SIGTERM'],
  ])('signal %i is %s', (num, name) => {
    expect(signalName(num)).toBe(name);
  });

  it('names a number with no signal as SIG<n>', () => {
    expect(signalName(127)).toBe('SIG127');
  });

  it.each([
    ['TERM', 'SIGTERM'],
    ['term', 'SIGTERM'],
    ['SIGKILL', 'SIGKILL'],
    ['sigsegv', 'SIGSEGV'],
    [9, 'SIGKILL'],
  ] as const)('%s is %s', (given, name) => {
    expect(normalizeSignal(given)).toBe(name);
  });
});

describe('fromExitCode', () => {
  it('0 is ok, anything else is exit(code)', () => {
    expect(fromExitCode(0)).toEqual({ kind: 'ok' });
    expect(fromExitCode(1)).toEqual({ kind: 'exit', code: 1 });
    expect(fromExitCode(255)).toEqual({ kind: 'exit', code: 255 });
  });
});

describe('decodeWaitStatus', () => {
  it.each<[string, number, Outcome]>([
    ['exit 0', 0, { kind: 'ok' }],
    ['exit 1', 1 << 8, { kind: 'exit', code: 1 }],
    ['exit 3', 3 << 8, { kind: 'exit', code: 3 }],
    ['exit 127', 127 << 8, { kind: 'exit', code: 127 }],
    ['exit 255', 255 << 8, { kind: 'exit', code: 255 }],
    ['SIGTERM', 15, { kind: 'signal', signal: 'SIGTERM', core: false }],
    ['SIGKILL', 9, { kind: 'signal', signal: 'SIGKILL', core: false }],
    ['SIGSEGV', 11, { kind: 'signal', signal: 'SIGSEGV', core: false }],
    ['SIGSEGV, core dumped', 11 | 0x80, { kind: 'signal', signal: 'SIGSEGV', core: true }],
    ['the "stopped" pattern', 0x7f, { kind: 'signal', signal: 'SIG127', core: false }],
  ])('%s', (_name, status, outcome) => {
    expect(decodeWaitStatus(status)).toEqual(outcome);
  });

  // A number with two names (6: SIGABRT/SIGIOT, 29: SIGIO/SIGPOLL) reads as Node names it, so a
  // local and a decoded status agree.
  it.each<[number, string]>([
    [6 | 0x80, 'SIGABRT'],
    [29, 'SIGIO'],
  ])('names status %i as Node does (%s)', (status, name) => {
    expect(decodeWaitStatus(status)).toEqual({ kind: 'signal', signal: name, core: status > 0x80 });
  });

  it('ignores bits above the exit code byte', () => {
    expect(decodeWaitStatus((1 << 16) | (2 << 8))).toEqual({ kind: 'exit', code: 2 });
  });

  // Perl's $? is the raw wait status that LWT's scripts decoded; real ones keep us honest.
  const perl = existsSync('/usr/bin/perl');
  it.skipIf(!perl).each<[string, Outcome]>([
    ['exit 0', { kind: 'ok' }],
    ['exit 3', { kind: 'exit', code: 3 }],
    ['kill -TERM $$', { kind: 'signal', signal: 'SIGTERM', core: false }],
    ['kill -KILL $$', { kind: 'signal', signal: 'SIGKILL', core: false }],
    ['ulimit -c 0; kill -SEGV $$', { kind: 'signal', signal: 'SIGSEGV', core: false }],
  ])('decodes the real status of `sh -c %s`', (script, outcome) => {
    const status = execFileSync(
      '/usr/bin/perl',
      ['-e', 'system("/bin/sh", "-c", $ARGV[0]); print $?', script],
      {
        encoding: 'utf8',
      },
    );
    expect(decodeWaitStatus(Number(status))).toEqual(outcome);
  });
});

describe('decodeNodeExit', () => {
  it.each<[string, number | null, NodeJS.Signals | null, Outcome]>([
    ['exit 0', 0, null, { kind: 'ok' }],
    ['exit 3', 3, null, { kind: 'exit', code: 3 }],
    ['exit 127', 127, null, { kind: 'exit', code: 127 }],
    ['SIGKILL', null, 'SIGKILL', { kind: 'signal', signal: 'SIGKILL', core: false }],
    ['SIGSEGV', null, 'SIGSEGV', { kind: 'signal', signal: 'SIGSEGV', core: false }],
    ['neither', null, null, { kind: 'no-status' }],
  ])('%s', (_name, code, signal, outcome) => {
    expect(decodeNodeExit(code, signal)).toEqual(outcome);
  });

  it.each<[string, Outcome]>([
    ['exit 0', { kind: 'ok' }],
    ['exit 3', { kind: 'exit', code: 3 }],
    ['kill -TERM $$', { kind: 'signal', signal: 'SIGTERM', core: false }],
    ['kill -KILL $$', { kind: 'signal', signal: 'SIGKILL', core: false }],
    ['ulimit -c 0; kill -SEGV $$', { kind: 'signal', signal: 'SIGSEGV', core: false }],
  ])('decodes what Node reports for `sh -c %s`', (script, outcome) => {
    const result = spawnSync('/bin/sh', ['-c', script]);
    expect(decodeNodeExit(result.status, result.signal)).toEqual(outcome);
  });
});

describe('decodeSshExit', () => {
  it.each<[string, Parameters<typeof decodeSshExit>, Outcome]>([
    ['exit 0', [0], { kind: 'ok' }],
    ['exit 2', [2], { kind: 'exit', code: 2 }],
    ['exit 255', [255], { kind: 'exit', code: 255 }],
    [
      'signal without SIG',
      [null, 'KILL', false],
      { kind: 'signal', signal: 'SIGKILL', core: false },
    ],
    ['signal with SIG', [null, 'SIGTERM'], { kind: 'signal', signal: 'SIGTERM', core: false }],
    [
      'signal, core dumped',
      [null, 'SEGV', true],
      { kind: 'signal', signal: 'SIGSEGV', core: true },
    ],
    [
      'signal wins over a code',
      [0, 'TERM', false],
      { kind: 'signal', signal: 'SIGTERM', core: false },
    ],
    ['an empty signal is no signal', [1, ''], { kind: 'exit', code: 1 }],
    ['no status (null)', [null], { kind: 'no-status' }],
    ['no status (undefined)', [undefined], { kind: 'no-status' }],
    ['no status, null signal', [null, null, false], { kind: 'no-status' }],
  ])('%s', (_name, args, outcome) => {
    expect(decodeSshExit(...args)).toEqual(outcome);
  });
});

import { constants } from 'node:os';
import type { Outcome } from './outcome.js';

// The first name of each number wins: os.constants.signals lists SIGABRT before its alias SIGIOT
// and SIGIO before SIGPOLL, and the first is the name Node gives a child's exit signal.
const signalNames = new Map<number, string>();
for (const [name, num] of Object.entries(constants.signals))
  if (!signalNames.has(num)) signalNames.set(num, name);

/** The name of a signal number on this platform ("SIGSEGV"), or "SIG<n>" when it has none. */
export function signalName(signal: number): string {
  return signalNames.get(signal) ?? `SIG${signal}`;
}

/** Normalises a signal given as "TERM", "SIGTERM" or a number to its "SIGTERM" form. */
export function normalizeSignal(signal: string | number): string {
  if (typeof signal === 'number') return signalName(signal);
  const upper = signal.toUpperCase();
  return upper.startsWith('SIG') ? upper : `SIG${upper}`;
}

/** From an exit code alone: 0 is ok, anything else is exit(code). */
export function fromExitCode(code: number): Outcome {
  return code === 0 ? { kind: 'ok' } : { kind: 'exit', code };
}

/**
 * A raw wait(2) status as Perl's $? or a shell's report: the exit code is in bits 8-15, the
 * terminating signal in bits 0-6 and the core-dump flag in bit 7.
 */
export function decodeWaitStatus(status: number): Outcome {
  const signal = status & 0x7f;
  if (signal === 0) return fromExitCode((status >> 8) & 0xff);
  // 0x7f in the low bits means "stopped", which a finished process never reports; treat it
  // as the signal number it encodes rather than inventing a new outcome.
  return { kind: 'signal', signal: signalName(signal), core: (status & 0x80) !== 0 };
}

/**
 * Node's `exit`/`close` event for a local child: exactly one of code and signal is set.
 * Node does not report core dumps, so `core` is false.
 */
export function decodeNodeExit(code: number | null, signal: NodeJS.Signals | null): Outcome {
  if (signal !== null) return { kind: 'signal', signal, core: false };
  if (code !== null) return fromExitCode(code);
  return { kind: 'no-status' };
}

/**
 * ssh2's channel `exit` event: `(code)` for a normal exit, `(null, signalName, coreDumped)` when
 * the remote process died of a signal (ssh2 gives the name without "SIG"), nothing at all when
 * the server sent no exit status.
 */
export function decodeSshExit(
  code: number | null | undefined,
  signal?: string | null,
  coreDumped?: boolean,
): Outcome {
  if (signal) return { kind: 'signal', signal: normalizeSignal(signal), core: coreDumped === true };
  if (typeof code === 'number') return fromExitCode(code);
  return { kind: 'no-status' };
}

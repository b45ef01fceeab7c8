import type { Interruption } from '../outcome/exit-code.js';
import { Stopper } from '../pool/stop.js';
import type { OutputStreams } from '../report/text.js';

export interface Interrupts {
  readonly stopper: Stopper;
  /** What stopped the run from outside, if anything. */
  readonly by: () => Interruption | undefined;
  /** Removes the handlers, so that a finished CLI does not swallow signals. */
  readonly dispose: () => void;
}

/**
 * Ctrl-C once: stop starting work and stop what runs (TERM, then KILL after the grace). Ctrl-C
 * again: kill at once. SIGTERM to lwt: the graceful stop. The stopped commands still get their
 * outcomes reported before lwt exits. When the reader of lwt's output goes away (`| head`),
 * the run is stopped as on SIGTERM and exits 141, as a command killed by SIGPIPE: there is
 * nobody left to read what it would print (Node ignores SIGPIPE, so a write's error tells).
 */
export function handleInterrupts(streams: OutputStreams): Interrupts {
  const stopper = new Stopper();
  let by: Interruption | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => () => {
    by ??= signal;
    if (stopper.stopped) {
      streams.stderr.write('lwt: killing everything now\n');
      stopper.stop(true);
    } else {
      streams.stderr.write(
        signal === 'SIGINT'
          ? 'lwt: stopping; press Ctrl-C again to kill at once\n'
          : 'lwt: terminated; stopping\n',
      );
      stopper.stop();
    }
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  const onOutputError = () => {
    by ??= 'SIGPIPE';
    stopper.stop();
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  streams.stdout.on('error', onOutputError);
  return {
    stopper,
    by: () => by,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      // Left on stdout: a write still under way may fail after the run, and must not crash.
    },
  };
}

import { Stopper } from '../pool/stop.js';

export interface Interrupts {
  readonly stopper: Stopper;
  /** The signal that stopped the run, if any. */
  readonly by: () => 'SIGINT' | 'SIGTERM' | undefined;
  /** Removes the handlers, so that a finished CLI does not swallow signals. */
  readonly dispose: () => void;
}

/**
 * Ctrl-C once: stop starting work and stop what runs (TERM, then KILL after the grace). Ctrl-C
 * again: kill at once. SIGTERM to lwt: the graceful stop. The stopped commands still get their
 * outcomes reported before lwt exits.
 */
export function handleInterrupts(stderr: NodeJS.WritableStream): Interrupts {
  const stopper = new Stopper();
  let by: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => () => {
    by ??= signal;
    if (stopper.stopped) {
      stderr.write('lwt: killing everything now\n');
      stopper.stop(true);
    } else {
      stderr.write(
        signal === 'SIGINT'
          ? 'lwt: stopping; press Ctrl-C again to kill at once\n'
          : 'lwt: terminated; stopping\n',
      );
      stopper.stop();
    }
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    stopper,
    by: () => by,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

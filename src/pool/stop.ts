import { setMaxListeners } from 'node:events';

/**
 * How a run is asked to stop. The first request is graceful (stop starting work, TERM what
 * runs, KILL after the grace period); a second request, or `force`, kills at once. Ctrl-C
 * maps the first and second press onto these.
 */
export class Stopper {
  readonly #graceful = new AbortController();
  readonly #force = new AbortController();

  constructor() {
    // Every running command listens on these; hundreds of hosts at once is normal, not a leak.
    setMaxListeners(0, this.#graceful.signal, this.#force.signal);
  }

  /** Aborted on the first stop request. */
  get signal(): AbortSignal {
    return this.#graceful.signal;
  }

  /** Aborted when stopping must not wait for anything any more. */
  get forceSignal(): AbortSignal {
    return this.#force.signal;
  }

  get stopped(): boolean {
    return this.#graceful.signal.aborted;
  }

  /** First call stops gracefully; a second call (or `force`) escalates to an immediate kill. */
  stop(force = false): void {
    if (this.#graceful.signal.aborted || force) this.#force.abort();
    this.#graceful.abort();
  }
}

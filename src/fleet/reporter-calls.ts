type HookArgs<R, K extends keyof R> = R[K] extends ((...args: infer A) => unknown) | undefined
  ? A
  : never;

interface Notable {
  onNote?(message: string): void;
}

/**
 * Calls reporters' hooks so that a reporter's failure never loses a run: a hook that throws is
 * caught, the others are still called, and the caller decides what the failure means (a
 * host's hook: that host's outcome; the run's end: a note to the other reporters).
 */
export class ReporterCalls<R extends object> {
  constructor(readonly reporters: readonly R[]) {}

  /** Whether any reporter has `hook` (so that work only they need can be skipped). */
  has(hook: keyof R): boolean {
    return this.reporters.some((r) => typeof r[hook] === 'function');
  }

  /** Calls `hook` on every reporter that has it; the first failure's message, if any. */
  call<K extends keyof R>(hook: K, ...args: HookArgs<R, K>): string | undefined {
    let failure: string | undefined;
    this.#each(hook, args, (error) => (failure ??= messageOf(error)));
    return failure;
  }

  /**
   * Calls an output hook, which may return a promise to hold further output: one promise for
   * all of them, if any did. A throw now or a rejection later goes to `fail`; the promise
   * returned never rejects.
   */
  callHolding<K extends keyof R>(
    fail: (message: string) => void,
    hook: K,
    ...args: HookArgs<R, K>
  ): Promise<void> | undefined {
    let waits: Array<Promise<void>> | undefined;
    this.#each(
      hook,
      args,
      (error) => fail(messageOf(error)),
      (result) => {
        if (!(result instanceof Promise)) return;
        const settled = result.then(
          () => undefined,
          (error: unknown) => fail(messageOf(error)),
        );
        (waits ??= []).push(settled);
      },
    );
    if (!waits) return undefined;
    return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined);
  }

  #each<K extends keyof R>(
    hook: K,
    args: HookArgs<R, K>,
    onError: (error: unknown) => void,
    onResult?: (result: unknown) => void,
  ): void {
    for (const reporter of this.reporters) {
      const fn = reporter[hook];
      if (typeof fn !== 'function') continue;
      try {
        const result = (fn as (...a: HookArgs<R, K>) => unknown).apply(reporter, args);
        onResult?.(result);
      } catch (error) {
        onError(error);
      }
    }
  }

  /** Calls a hook of the whole run: a failure is told to the reporters as a note. */
  callForRun<K extends keyof R>(hook: K, ...args: HookArgs<R, K>): void {
    const failure = this.call(hook, ...args);
    if (failure !== undefined) this.note(`a report could not be written: ${failure}`);
  }

  /** A note to every reporter that takes notes; one that fails to show it is passed over. */
  note(message: string): void {
    for (const reporter of this.reporters as readonly Notable[]) {
      try {
        reporter.onNote?.(message);
      } catch {
        // Nowhere left to say it; the run's results are unaffected.
      }
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

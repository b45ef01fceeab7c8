/**
 * Runs `worker` over `items` with at most `limit` at once, in input order of starting. Items may
 * arrive lazily (an async iterable of lines from stdin), so work starts before the input ends.
 * Once `signal` aborts, no new item is started, not even one the input is still being waited for;
 * items already started run to their own end (their worker decides how to stop). When a worker
 * throws, no new item is started either, and the first error is thrown once every started worker
 * has settled.
 */
export async function runLimited<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  worker: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ started: number }> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be >= 1, got ${limit}`);
  const iterator =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (items as Iterable<T>)[Symbol.iterator]();
  let next = 0;
  let failed = false;
  const stopped = (): boolean => failed || signal?.aborted === true;
  // Pulling from one shared iterator keeps every lane busy without a queue: a lane that
  // finishes takes the next item itself.
  const lane = async (): Promise<void> => {
    try {
      for (;;) {
        if (stopped()) return;
        const step = await nextUnlessAborted(iterator, signal);
        if (step === undefined || step.done || stopped()) return;
        const index = next++;
        await worker(step.value, index);
      }
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  const lanes = Array.from({ length: limit }, lane);
  const settled = await Promise.allSettled(lanes);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return { started: next };
}

/**
 * The iterator's next item, or undefined as soon as `signal` aborts: input that is still being
 * written (a pipe to stdin nobody closes) must not hold a stopped run open.
 */
function nextUnlessAborted<T>(
  iterator: Iterator<T> | AsyncIterator<T>,
  signal: AbortSignal | undefined,
): Promise<IteratorResult<T> | undefined> {
  if (signal === undefined) return Promise.resolve(iterator.next());
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (): void => signal.removeEventListener('abort', onAbort);
    // A sync iterator may throw from next() itself; that is a rejection like any other.
    new Promise<IteratorResult<T>>((r) => r(iterator.next())).then(
      (step) => {
        done();
        resolve(step);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

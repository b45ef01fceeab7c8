/**
 * Runs `worker` over `items` with at most `limit` at once, in input order of starting. Items may
 * arrive lazily (an async iterable of lines from stdin), so work starts before the input ends.
 * Once `signal` aborts, no new item is started; items already started run to their own end
 * (their worker decides how to stop). Resolves when every started worker has settled.
 */
export async function runLimited<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  worker: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ started: number }> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be >= 1, got ${limit}`);
  const iterator =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (items as Iterable<T>)[Symbol.iterator]();
  let next = 0;
  // Pulling from one shared iterator keeps every lane busy without a queue: a lane that
  // finishes takes the next item itself.
  const lane = async (): Promise<void> => {
    for (;;) {
      if (signal?.aborted) return;
      const step = await iterator.next();
      if (step.done || signal?.aborted) return;
      const index = next++;
      await worker(step.value, index);
    }
  };
  const lanes = Array.from({ length: limit }, lane);
  const settled = await Promise.allSettled(lanes);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return { started: next };
}

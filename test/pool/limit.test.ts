import { describe, expect, it } from 'vitest';
import { runLimited } from '../../src/pool/limit.js';

/** A promise with its resolve exposed, to let a test decide when a worker ends. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('runLimited', () => {
  it('never runs more than the limit at once, and reaches it', async () => {
    let active = 0;
    let most = 0;
    const seen: number[] = [];
    const result = await runLimited([...Array(10).keys()], 3, async (item) => {
      active++;
      most = Math.max(most, active);
      await tick();
      seen.push(item);
      active--;
    });
    expect(most).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(result).toEqual({ started: 10 });
  });

  it('starts items in input order with their index', async () => {
    const starts: [string, number][] = [];
    await runLimited(['a', 'b', 'c', 'd', 'e'], 2, async (item, index) => {
      starts.push([item, index]);
      await tick();
    });
    expect(starts).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['d', 3],
      ['e', 4],
    ]);
  });

  it('runs one at a time with a limit of 1', async () => {
    let active = 0;
    let most = 0;
    await runLimited([1, 2, 3, 4], 1, async () => {
      most = Math.max(most, ++active);
      await tick();
      active--;
    });
    expect(most).toBe(1);
  });

  it('starts work from an async source before the source has ended', async () => {
    const more = deferred();
    const started: number[] = [];
    async function* source(): AsyncGenerator<number> {
      yield 1;
      await more.promise; // The rest of the input has not been written yet.
      yield 2;
    }
    const run = runLimited(source(), 4, async (item) => {
      started.push(item);
      if (item === 1) more.resolve(); // Item 1 started while the source still waited.
    });
    await run;
    expect(started).toEqual([1, 2]);
  });

  it('handles an empty input', async () => {
    expect(await runLimited([], 4, () => Promise.reject(new Error('never called')))).toEqual({
      started: 0,
    });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %s', async (limit) => {
    await expect(runLimited([1], limit, async () => {})).rejects.toThrow(RangeError);
  });

  it('starts nothing new once aborted, and lets started items finish', async () => {
    const controller = new AbortController();
    const release = deferred();
    const started: number[] = [];
    const finished: number[] = [];
    const run = runLimited(
      [1, 2, 3, 4, 5, 6],
      2,
      async (item) => {
        started.push(item);
        await release.promise;
        finished.push(item);
      },
      controller.signal,
    );
    await tick();
    controller.abort();
    release.resolve();
    expect(await run).toEqual({ started: 2 });
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([1, 2]);
  });

  it('starts nothing when already aborted', async () => {
    const started: number[] = [];
    const result = await runLimited(
      [1, 2],
      2,
      async (item) => void started.push(item),
      AbortSignal.abort(),
    );
    expect(result).toEqual({ started: 0 });
    expect(started).toEqual([]);
  });

  it('does not wait for more input once aborted', async () => {
    // stdin left open by the writer: the next line never comes.
    const controller = new AbortController();
    const started: number[] = [];
    async function* openEnded(): AsyncGenerator<number> {
      yield 1;
      await new Promise(() => {});
    }
    const run = runLimited(
      openEnded(),
      2,
      async (item) => void started.push(item),
      controller.signal,
    );
    await tick();
    controller.abort();
    expect(await run).toEqual({ started: 1 });
    expect(started).toEqual([1]);
  });

  it('rejects with the worker error after the other started workers settle, starting nothing new', async () => {
    const slow = deferred();
    const started: number[] = [];
    const finished: number[] = [];
    const run = runLimited([1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      if (item === 1) {
        await slow.promise;
        finished.push(item);
        return;
      }
      await tick();
      throw new Error(`item ${item} broke`);
    });
    let settled = false;
    void run.catch(() => (settled = true));
    await tick();
    await tick();
    expect(settled).toBe(false); // Item 1 is still running.
    slow.resolve();
    await expect(run).rejects.toThrow('item 2 broke');
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([1]);
  });

  it('rejects when the input itself fails', async () => {
    async function* broken(): AsyncGenerator<number> {
      yield 1;
      throw new Error('read error');
    }
    await expect(runLimited(broken(), 2, async () => {})).rejects.toThrow('read error');
  });

  it('rejects when a sync iterator throws', async () => {
    const items: Iterable<number> = {
      [Symbol.iterator]: () => ({
        next: () => {
          throw new Error('bad iterator');
        },
      }),
    };
    await expect(runLimited(items, 2, async () => {})).rejects.toThrow('bad iterator');
  });
});

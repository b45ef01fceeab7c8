import { describe, expect, it } from 'vitest';
import { Stopper } from '../../src/pool/stop.js';

describe('Stopper', () => {
  it('starts not stopped', () => {
    const stopper = new Stopper();
    expect(stopper.stopped).toBe(false);
    expect(stopper.signal.aborted).toBe(false);
    expect(stopper.forceSignal.aborted).toBe(false);
  });

  it('stops gracefully on the first request', () => {
    const stopper = new Stopper();
    stopper.stop();
    expect(stopper.stopped).toBe(true);
    expect(stopper.signal.aborted).toBe(true);
    expect(stopper.forceSignal.aborted).toBe(false);
  });

  it('escalates to an immediate kill on the second request', () => {
    const stopper = new Stopper();
    const events: string[] = [];
    stopper.signal.addEventListener('abort', () => events.push('graceful'));
    stopper.forceSignal.addEventListener('abort', () => events.push('force'));
    stopper.stop();
    stopper.stop();
    expect(stopper.forceSignal.aborted).toBe(true);
    expect(events).toEqual(['graceful', 'force']);
  });

  it('fires each signal once however often it is asked', () => {
    const stopper = new Stopper();
    let graceful = 0;
    let force = 0;
    stopper.signal.addEventListener('abort', () => graceful++);
    stopper.forceSignal.addEventListener('abort', () => force++);
    for (let i = 0; i < 4; i++) stopper.stop();
    expect([graceful, force]).toEqual([1, 1]);
  });

  it('kills at once when forced on the first request, and is stopped too', () => {
    const stopper = new Stopper();
    stopper.stop(true);
    expect(stopper.stopped).toBe(true);
    expect(stopper.signal.aborted).toBe(true);
    expect(stopper.forceSignal.aborted).toBe(true);
  });
});

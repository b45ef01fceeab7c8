import { describe, expect, it } from 'vitest';
import { tieringPlan } from '../../src/cli/tiering.js';

describe('tieringPlan', () => {
  it("raises Node 20's V8 budget fourfold and knows what to put back", () => {
    expect(tieringPlan('11.3.244.8-node.38', [], undefined)).toEqual({
      raised: 4 * 67584,
      normal: 67584,
    });
  });

  it('leaves a V8 whose default it does not know alone', () => {
    expect(tieringPlan('12.4.254.21-node.33', [], undefined)).toBeUndefined();
  });

  it('leaves a budget the user set alone', () => {
    expect(tieringPlan('11.3.244.8', ['--interrupt-budget=1000'], undefined)).toBeUndefined();
    expect(tieringPlan('11.3.244.8', [], '--max-old-space-size=512 --interrupt_budget=9')).toBe(
      undefined,
    );
  });
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { heapGrowthPlan } from '../../src/cli/heap-growth.js';
import { repoRoot } from '../helpers/lwt-process.js';

describe('heapGrowthPlan', () => {
  it('lets the heap grow by 500% for a put, under any of its names, and knows what to put back', () => {
    for (const command of ['put', 'put-all', 'put-all-diff']) {
      expect(heapGrowthPlan(command, [], undefined)).toEqual({ raised: 500, normal: 0 });
    }
  });

  it('leaves the other commands, and help, to V8', () => {
    for (const command of ['get', 'get-all', 'exec', 'run', 'hosts', 'other']) {
      expect(heapGrowthPlan(command, [], undefined)).toBeUndefined();
    }
  });

  it('leaves a growth the user set alone', () => {
    expect(heapGrowthPlan('put', ['--heap-growing-percent=50'], undefined)).toBeUndefined();
    expect(heapGrowthPlan('put', [], '--heap_growing_percent=50')).toBeUndefined();
  });
});

describe('growHeapFaster', () => {
  it('changes V8 flags for the run and puts them back as they were (the code-cache tag agrees)', () => {
    const script = `
      import v8 from 'node:v8';
      const { growHeapFaster } = await import(process.argv[1]);
      const before = v8.cachedDataVersionTag();
      const restore = growHeapFaster('put');
      const during = v8.cachedDataVersionTag();
      restore();
      console.log(JSON.stringify({ changed: during !== before, back: v8.cachedDataVersionTag() === before }));`;
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', script, join(repoRoot, 'dist', 'cli', 'heap-growth.js')],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ changed: true, back: true });
  });
});

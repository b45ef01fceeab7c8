import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { skipHelpCache } from '../../src/cli/help-cache.js';

interface Usage {
  hasCachedHelpMessage(): boolean;
}

/** Runs a one-command yargs parser and says whether yargs rendered its help text on the way. */
async function helpRendered(skip: boolean): Promise<boolean> {
  const parser = yargs()
    .command('go', 'a command', {}, async () => {})
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new Error(message);
    });
  if (skip) skipHelpCache(parser);
  const usage = (parser as unknown as { getInternalMethods(): { getUsageInstance(): Usage } })
    .getInternalMethods()
    .getUsageInstance();
  await parser.parseAsync(['go']);
  return usage.hasCachedHelpMessage();
}

describe('skipHelpCache', () => {
  it('stops yargs rendering the help text before every command', async () => {
    // Without it, yargs does (the test fails if a yargs update changes that or its internals).
    expect(await helpRendered(false)).toBe(true);
    expect(await helpRendered(true)).toBe(false);
  });
});

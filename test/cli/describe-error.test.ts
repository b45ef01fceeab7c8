import { describe, expect, it } from 'vitest';
import { describeCliError, INTERNAL_ERROR } from '../../src/cli/describe-error.js';
import { UsageError } from '../../src/usage-error.js';

describe('describeCliError', () => {
  it('gives a usage error its one line and exit 2, with the file and line it names', () => {
    expect(describeCliError(new UsageError('bad range', { file: 'hosts', line: 3 }))).toEqual({
      message: 'hosts:3: bad range',
      code: 2,
    });
  });

  it('calls any other error, a RangeError too, an internal error (exit 70), not a mistake of the user', () => {
    const range = describeCliError(new RangeError('The value of "delay" is out of range'));
    expect(range).toEqual({
      message: 'internal error: The value of "delay" is out of range',
      code: INTERNAL_ERROR,
    });
    expect(INTERNAL_ERROR).toBe(70);
    expect(describeCliError('thrown text').code).toBe(70);
  });
});

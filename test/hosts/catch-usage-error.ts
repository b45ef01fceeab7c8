import { UsageError } from '../../src/usage-error.js';

/** The UsageError that `action` throws (sync or async); fails the test when it throws none. */
export function catchUsageError(action: () => unknown): UsageError {
  try {
    action();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError, but nothing was thrown');
}

export async function catchUsageErrorAsync(action: () => Promise<unknown>): Promise<UsageError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError, but nothing was thrown');
}

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests spawn process trees and sshd fleets; two cores do not
    // cope with many files at once without turning deadlines into flakes.
    maxWorkers: 2,
    fileParallelism: true,
  },
});

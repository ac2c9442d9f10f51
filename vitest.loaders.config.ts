import { defineConfig } from 'vitest/config';

// The real-loader suite: target-postgres, target-snowflake (on fakesnow), Meltano and singer-check-tap against the sandbox.
export default defineConfig({
  test: {
    include: ['test/loaders/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

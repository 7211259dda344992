import { defineConfig } from 'vitest/config';

// Two-core CI machines: keep the worker pool small so ORT sessions do not fight for cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});

import { defineConfig } from 'vitest/config';

/** The chaos suite (`npm run test:chaos`): its own mail stack and long runs; not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    globalSetup: ['test/chaos/support/global-setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});

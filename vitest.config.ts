import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the chaos suite has its own configuration (vitest.chaos.config.ts, npm run test:chaos)
    exclude: ['test/chaos/**', '**/node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one Dovecot/Postfix stack and one PostgreSQL server.
    fileParallelism: false,
    reporters: ['default'],
  },
});

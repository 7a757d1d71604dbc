import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one Dovecot/Postfix stack and one PostgreSQL server.
    fileParallelism: false,
    reporters: ['default'],
  },
});

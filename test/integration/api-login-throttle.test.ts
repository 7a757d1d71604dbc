import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { ADMIN, seedAdmin } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';

/** Password guessing is throttled per username, across web processes (the failures are in the database). */
for (const dialect of BACKENDS) {
  describe(`sign-in throttle (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let now = Date.UTC(2026, 10, 27, 12, 0);
    const signIn = (username: string, password: string) => app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb, { clock: () => now });
      await seedAdmin(deps);
      app = await buildWebApp(deps);
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('five wrong passwords lock the username for the window, even for the right password; then it opens again', async () => {
      for (let i = 0; i < 5; i++) {
        now += 1000;
        expect((await signIn(ADMIN.username, 'wrong-password')).statusCode).toBe(401);
      }
      now += 1000;
      const locked = await signIn(ADMIN.username, ADMIN.password);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('auth.throttled');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(900);
      // Another username is not affected.
      expect((await signIn('someone-else', 'x-wrong-password')).statusCode).toBe(401);
      now += 15 * 60_000;
      expect((await signIn(ADMIN.username, ADMIN.password)).statusCode).toBe(201);
    });

    it('a successful sign-in clears the earlier failures', async () => {
      for (let i = 0; i < 4; i++) { now += 1000; await signIn(ADMIN.username, 'wrong-password'); }
      now += 1000;
      expect((await signIn(ADMIN.username, ADMIN.password)).statusCode).toBe(201);
      for (let i = 0; i < 4; i++) { now += 1000; expect((await signIn(ADMIN.username, 'wrong-password')).statusCode).toBe(401); }
      now += 1000;
      expect((await signIn(ADMIN.username, ADMIN.password)).statusCode).toBe(201);
    });
  });
}

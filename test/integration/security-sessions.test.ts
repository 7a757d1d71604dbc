import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { E2E_ADMIN_PASSWORD, startApp, type RunningApp } from '../support/app.js';
import { waitFor } from '../support/mailstack.js';
import { makeDeps } from '../support/deps.js';
import { seedAdmin } from '../support/api.js';
import { startSessionPurge } from '../../src/roles/web/index.js';
import type { Storage } from '../../src/storage/db.js';

/**
 * Sessions (issue 10): expired sessions used to stay in the database for ever, and nobody
 * could end a user's sessions. Now the web role deletes expired ones (at start and
 * periodically) and an admin can end all sessions of a user.
 */
for (const dialect of BACKENDS) {
  describe(`sessions (${dialect})`, () => {
    let tdb: TestDatabase;
    let app: RunningApp;
    let storage: Storage;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      app = await startApp(tdb);
      storage = await tdb.open();
    });
    afterAll(async () => { await app?.process.kill(); await storage?.close(); await tdb?.drop(); });

    it("an admin ends a user's sessions; the user's tokens stop working; others may not", async () => {
      const admin = await app.login('admin', E2E_ADMIN_PASSWORD);
      const agent = await app.call('POST', '/api/v1/users', admin, { username: 'agent-s', displayName: 'S', password: 'agent-password-1', role: 'agent' });
      const laptop = await app.login('agent-s', 'agent-password-1');
      const phone = await app.login('agent-s', 'agent-password-1');
      expect((await app.request('GET', '/api/v1/session', laptop)).status).toBe(200);
      const adminUser = (await app.call('GET', '/api/v1/session', admin)).user;
      expect((await app.request('DELETE', `/api/v1/users/${adminUser.id}/sessions`, laptop)).status).toBe(403);

      const ended = await app.request('DELETE', `/api/v1/users/${agent.id}/sessions`, admin);
      expect(ended.status).toBe(200);
      expect(ended.json).toEqual({ ended: 2 });
      for (const token of [laptop, phone]) expect((await app.request('GET', '/api/v1/session', token)).json.error.code).toBe('auth.required');
      expect((await app.request('GET', '/api/v1/session', admin)).status).toBe(200);
      expect((await app.request('DELETE', '/api/v1/users/no-such-user/sessions', admin)).json.error.code).toBe('user.not_found');
    });

    it('expired sessions are deleted when the web role starts', async () => {
      const admin = await app.login('admin', E2E_ADMIN_PASSWORD);
      const me = (await app.call('GET', '/api/v1/session', admin)).user;
      const now = Date.now();
      await storage.db.insertInto('sessions').values([
        { token_hash: 'expired-1', user_id: me.id, created_at: now - 90_000_000, expires_at: now - 50_000_000 },
        { token_hash: 'expired-2', user_id: me.id, created_at: now - 90_000_000, expires_at: now - 1 },
      ]).execute();
      await app.process.kill();
      app = await startApp(tdb);
      await waitFor(async () => (await storage.db.selectFrom('sessions').select('token_hash').where('token_hash', 'like', 'expired-%').execute()).length === 0, 10_000, 'expired sessions purged');
      // The live session survived.
      expect((await app.request('GET', '/api/v1/session', admin)).status).toBe(200);
    });

    it('the purge also runs periodically', async () => {
      const deps = await makeDeps(tdb);
      try {
        const user = await seedAdmin(deps).catch(async () => (await deps.storage.db.selectFrom('users').selectAll().executeTakeFirstOrThrow()));
        const stop = startSessionPurge(deps, 50);
        await deps.storage.db.insertInto('sessions').values({ token_hash: 'expired-later', user_id: user.id, created_at: Date.now() - 10_000, expires_at: Date.now() - 1 }).execute();
        await waitFor(async () => !(await deps.storage.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', 'expired-later').executeTakeFirst()), 5_000, 'periodic purge');
        stop();
      } finally { await deps.close(); }
    });
  });
}

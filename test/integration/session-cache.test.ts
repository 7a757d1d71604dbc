import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { E2E_ADMIN_PASSWORD, startApp, type RunningApp } from '../support/app.js';

/**
 * Each web process keeps who a session belongs to for a few seconds (src/web/session-cache.ts).
 * Signing out, ending a user's sessions, disabling, deleting or demoting a user through one
 * process must still take effect at once in every other: two instances on one database, the
 * session used (so cached) in B, ended through A, refused by B on its very next request.
 */
for (const dialect of BACKENDS) {
  describe(`a session ended through one process is refused at once by another (${dialect})`, () => {
    let tdb: TestDatabase;
    let a: RunningApp;
    let b: RunningApp;
    let admin: string;
    let n = 0;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      a = await startApp(tdb, { SWITCHYARD_INSTANCE_ID: 'web-a' });
      b = await startApp(tdb, { SWITCHYARD_INSTANCE_ID: 'web-b' });
      admin = await a.login('admin', E2E_ADMIN_PASSWORD);
    }, 120_000);
    afterAll(async () => { await a?.process.kill(); await b?.process.kill(); await tdb?.drop(); });

    /** A new agent signed in through A whose session B has just used (and so cached). */
    const agentKnownToB = async (role = 'agent') => {
      const username = `cached-${++n}`;
      const user = await a.call('POST', '/api/v1/users', admin, { username, displayName: username, password: 'agent-password-1', role });
      const token = await a.login(username, 'agent-password-1');
      for (let i = 0; i < 3; i++) expect((await b.request('GET', '/api/v1/session', token)).status).toBe(200);
      return { id: user.id as string, token };
    };
    const refusedByB = async (token: string) => (await b.request('GET', '/api/v1/session', token)).json.error?.code;

    it('signing out through A', async () => {
      const { token } = await agentKnownToB();
      expect((await a.request('DELETE', '/api/v1/session', token)).status).toBe(204);
      expect(await refusedByB(token)).toBe('auth.required');
    });

    it("an admin ending the user's sessions through A", async () => {
      const { id, token } = await agentKnownToB();
      expect((await a.call('DELETE', `/api/v1/users/${id}/sessions`, admin)).ended).toBe(1);
      expect(await refusedByB(token)).toBe('auth.required');
    });

    it('disabling the user through A', async () => {
      const { id, token } = await agentKnownToB();
      await a.call('PATCH', `/api/v1/users/${id}`, admin, { disabled: true });
      expect(await refusedByB(token)).toBe('auth.required');
    });

    it('deleting the user through A', async () => {
      const { id, token } = await agentKnownToB();
      expect((await a.request('DELETE', `/api/v1/users/${id}`, admin)).status).toBe(204);
      expect(await refusedByB(token)).toBe('auth.required');
    });

    it('a role change through A: B checks the new role on the next request', async () => {
      const { id, token } = await agentKnownToB('supervisor');
      expect((await b.request('GET', '/api/v1/agents', token)).status).toBe(200);
      await a.call('PATCH', `/api/v1/users/${id}`, admin, { role: 'agent' });
      expect((await b.request('GET', '/api/v1/agents', token)).json.error?.code).toBe('auth.forbidden');
      expect((await b.call('GET', '/api/v1/session', token)).user.role).toBe('agent');
    });

    it('a new password through A ends the other sessions in B', async () => {
      const { id, token } = await agentKnownToB();
      await a.call('POST', `/api/v1/users/${id}/password`, admin, { password: 'another-password-2' });
      expect(await refusedByB(token)).toBe('auth.required');
    });
  });
}

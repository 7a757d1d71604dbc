import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { StopRole } from '../../src/app/deps.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { ADMIN, authed, insertContact, login, seedAdmin, seedUser, type Authed } from '../support/api.js';
import { MAIL, freshMailbox, waitFor } from '../support/mailstack.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { startAccountServer } from '../../src/roles/account-server/index.js';
import { storeInbound } from '../../src/storage/repositories/inbound.js';

/** Users, SMTP servers and accounts: change, disable, delete, passwords, sessions; the audit log. */
type Json = Record<string, any>;
const patch = (a: Authed, url: string, payload: unknown) => a.inject({ method: 'PATCH', url, payload: payload as Json });

for (const dialect of BACKENDS) {
  describe(`admin API (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let admin: Authed;
    let stopAccounts: StopRole | null = null;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      await seedAdmin(deps);
      admin = authed(app, await login(app, ADMIN.username, ADMIN.password));
    });
    afterAll(async () => { await stopAccounts?.(); await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('changes a user, disables them (sessions end, logged out of the queue engine) and enables them again', async () => {
      const bob = await seedUser(deps, { username: 'bob', password: 'bob-password', role: 'agent' });
      const bobApi = authed(app, await login(app, 'bob', 'bob-password'));
      expect((await bobApi.put('/api/v1/agents/me/state', { state: 'ready' })).statusCode).toBe(200);

      const changed = await patch(admin, `/api/v1/users/${bob.id}`, { displayName: 'Bob B', skills: { billing: 5 }, capacity: 3 });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({ displayName: 'Bob B', skills: { billing: 5 }, capacity: 3, disabled: false });

      const disabled = await patch(admin, `/api/v1/users/${bob.id}`, { disabled: true });
      expect(disabled.json()).toMatchObject({ disabled: true });
      expect((await bobApi.get('/api/v1/session')).statusCode).toBe(401);
      const state = await deps.storage.db.selectFrom('agent_states').select('state').where('user_id', '=', bob.id).executeTakeFirstOrThrow();
      expect(state.state).toBe('logged_out');
      const refused = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'bob', password: 'bob-password' } });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ error: { code: 'auth.user_disabled' } });

      await patch(admin, `/api/v1/users/${bob.id}`, { disabled: false });
      await login(app, 'bob', 'bob-password');
    });

    it('resets a password (admin), lets a user change their own with the current one, and ends sessions', async () => {
      const carol = await seedUser(deps, { username: 'carol', password: 'carol-password', role: 'supervisor' });
      const first = authed(app, await login(app, 'carol', 'carol-password'));
      const second = authed(app, await login(app, 'carol', 'carol-password'));

      const wrong = await first.post('/api/v1/users/me/password', { currentPassword: 'nope-nope', newPassword: 'carol-new-password' });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json()).toMatchObject({ error: { code: 'user.wrong_password', details: [{ path: 'body.currentPassword' }] } });
      expect((await first.post('/api/v1/users/me/password', { currentPassword: 'carol-password', newPassword: 'carol-new-password' })).statusCode).toBe(204);
      expect((await first.get('/api/v1/session')).statusCode).toBe(200); // this session stays
      expect((await second.get('/api/v1/session')).statusCode).toBe(401); // the others end
      await login(app, 'carol', 'carol-new-password');

      expect((await admin.post(`/api/v1/users/${carol.id}/password`, { password: 'short' })).statusCode).toBe(400);
      expect((await admin.post(`/api/v1/users/${carol.id}/password`, { password: 'reset-by-admin' })).statusCode).toBe(204);
      expect((await first.get('/api/v1/session')).statusCode).toBe(401);
      const third = authed(app, await login(app, 'carol', 'reset-by-admin'));
      const ended = await admin.delete(`/api/v1/users/${carol.id}/sessions`);
      expect(ended.json()).toEqual({ ended: 1 });
      expect((await third.get('/api/v1/session')).statusCode).toBe(401);
    });

    it('deletes an unused user, refuses one in use with 409 naming the use, and protects the last admin', async () => {
      const temp = await seedUser(deps, { username: 'temp', password: 'temp-password', role: 'agent' });
      expect((await admin.delete(`/api/v1/users/${temp.id}`)).statusCode).toBe(204);
      expect((await admin.get(`/api/v1/users/${temp.id}`)).statusCode).toBe(404);

      const busy = await seedUser(deps, { username: 'busy', password: 'busy-password', role: 'agent' });
      const account = (await admin.post('/api/v1/accounts', { address: 'busy@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2600, security: 'none' })).json() as Json;
      const queueId = (await deps.storage.db.selectFrom('entrances').select('queue_id').where('id', '=', account.entranceId).executeTakeFirstOrThrow()).queue_id;
      await insertContact(deps, { entranceId: account.entranceId, queueId, status: 'closed', agentId: busy.id });
      const inUse = await admin.delete(`/api/v1/users/${busy.id}`);
      expect(inUse.statusCode).toBe(409);
      expect(inUse.json().error.code).toBe('user.in_use');
      expect(inUse.json().error.message).toMatch(/1 contact\(s\) handled.*disable/);

      const me = (await admin.get('/api/v1/session')).json().user as Json;
      expect((await admin.delete(`/api/v1/users/${me.id}`)).json().error.code).toBe('user.is_self');
      const demote = await patch(admin, `/api/v1/users/${me.id}`, { role: 'agent' });
      expect(demote.statusCode).toBe(409);
      expect(demote.json().error.code).toBe('user.last_admin');
    });

    it('changes and deletes SMTP servers; one in use is refused naming its accounts; secrets never appear', async () => {
      const s = (await admin.post('/api/v1/smtp-servers', { name: 'relay', host: '127.0.0.1', port: 2525, security: 'none', auth: { user: 'u@example.test', password: 'relay-secret', method: 'PLAIN' } })).json() as Json;
      const changed = await patch(admin, `/api/v1/smtp-servers/${s.id}`, { port: 2587, security: 'starttls', allowSelfSigned: true, auth: { user: 'v@example.test', method: 'LOGIN' } });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({ port: 2587, security: 'starttls', allowSelfSigned: true, auth: { user: 'v@example.test', method: 'LOGIN', passwordSet: true } });
      const row = await deps.storage.db.selectFrom('smtp_servers').select('auth_secret').where('id', '=', s.id).executeTakeFirstOrThrow();
      expect(deps.secrets.open(row.auth_secret!)).toBe('relay-secret'); // kept

      const acc = (await admin.post('/api/v1/accounts', { address: 'uses-relay@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2601, security: 'none', smtpServerId: s.id })).json() as Json;
      const inUse = await admin.delete(`/api/v1/smtp-servers/${s.id}`);
      expect(inUse.statusCode).toBe(409);
      expect(inUse.json().error).toMatchObject({ code: 'smtp_server.in_use' });
      expect(inUse.json().error.message).toContain('uses-relay@example.test');
      expect((await patch(admin, `/api/v1/accounts/${acc.id}`, { smtpServerId: null })).json()).toMatchObject({ smtpServerId: null });
      expect((await admin.delete(`/api/v1/smtp-servers/${s.id}`)).statusCode).toBe(204);

      const audit = (await admin.get('/api/v1/audit?objectType=smtp-servers')).json() as Json;
      const update = audit.entries.find((e: Json) => e.action === 'update' && e.objectId === s.id);
      expect(update).toMatchObject({ username: 'admin', before: { port: 2525, security: 'none' }, after: { port: 2587, security: 'starttls' } });
      expect(audit.entries.map((e: Json) => e.action)).toEqual(expect.arrayContaining(['create', 'update', 'delete']));
      expect(JSON.stringify(audit)).not.toContain('relay-secret');
    });

    it('disabling an account stops its watcher at once; deleting one with stored mail is refused', async () => {
      const box = freshMailbox('admin-disable');
      const acc = (await admin.post('/api/v1/accounts', { address: box.address, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: box.address, password: box.password })).json() as Json;
      // A long reconcile interval: only the bus announcement can stop the watcher quickly.
      stopAccounts = await startAccountServer(deps, { reconcileIntervalMs: 600_000 });
      const health = async () => ((await admin.get(`/api/v1/accounts/${acc.id}`)).json() as Json).health.state as string;
      await waitFor(async () => ['idle', 'polling'].includes(await health()), 15_000, 'the watcher to connect');
      const t0 = Date.now();
      expect((await patch(admin, `/api/v1/accounts/${acc.id}`, { enabled: false })).json()).toMatchObject({ enabled: false });
      await waitFor(async () => (await health()) === 'disabled', 5_000, 'the watcher to stop');
      expect(Date.now() - t0).toBeLessThan(5_000);

      await storeInbound(deps.storage, { accountId: acc.id, uidvalidity: 1, uid: 1, raw: Buffer.from('Subject: x\r\n\r\nbody\r\n'), sourceAction: 'none' }, Date.now());
      const refused = await admin.delete(`/api/v1/accounts/${acc.id}`);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({ code: 'account.in_use' });
      const unused = (await admin.post('/api/v1/accounts', { address: 'unused@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2602, security: 'none' })).json() as Json;
      expect((await admin.delete(`/api/v1/accounts/${unused.id}`)).statusCode).toBe(204);
    });
  });
}

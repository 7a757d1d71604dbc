import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { ADMIN, authed, login, seedAdmin, seedUser, type Authed } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { sha256 } from '../../src/adapters/crypto/secrets.js';
import { updateAccountHealth } from '../../src/storage/repositories/accounts.js';

/** Sessions, users and mail configuration through the HTTP API. */
for (const dialect of BACKENDS) {
  describe(`web API: sessions, users, mail configuration (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let admin: Authed;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      await seedAdmin(deps);
      admin = authed(app, await login(app, ADMIN.username, ADMIN.password));
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('signs in with a token and an HttpOnly SameSite=Strict cookie, stores only the token hash, signs out', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: ADMIN.username, password: ADMIN.password } });
      expect(res.statusCode).toBe(201);
      const body = res.json() as { token: string; user: Record<string, unknown>; expiresAt: string };
      expect(body.user).toMatchObject({ username: 'admin', role: 'admin' });
      expect(JSON.stringify(body)).not.toMatch(/hash/i);
      const setCookie = String(res.headers['set-cookie']);
      expect(setCookie).toContain(`switchyard_session=${body.token}`);
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Strict/i);
      expect(setCookie).not.toMatch(/Secure/i); // SWITCHYARD_COOKIE_SECURE defaults to 0

      const stored = await deps.storage.db.selectFrom('sessions').select('token_hash').execute();
      expect(stored.map((s) => s.token_hash)).toContain(sha256(body.token));
      expect(stored.map((s) => s.token_hash)).not.toContain(body.token);

      const viaCookie = await app.inject({ method: 'GET', url: '/api/v1/session', cookies: { switchyard_session: body.token } });
      expect(viaCookie.statusCode).toBe(200);
      expect(viaCookie.json()).toMatchObject({ user: { username: 'admin' } });

      const out = await authed(app, body.token).delete('/api/v1/session');
      expect(out.statusCode).toBe(204);
      const after = await authed(app, body.token).get('/api/v1/session');
      expect(after.statusCode).toBe(401);
      expect(after.json()).toMatchObject({ error: { code: 'auth.required' } });
    });

    it('refuses a wrong password and an unknown user with the same 401', async () => {
      const wrong = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'admin', password: 'not-the-password' } });
      const unknown = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'nobody', password: 'not-the-password' } });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json()).toEqual(unknown.json());
      expect(wrong.json()).toMatchObject({ error: { code: 'auth.invalid_credentials' } });
    });

    it('creates, lists and reads users without ever returning a password hash', async () => {
      const created = await admin.post('/api/v1/users', {
        username: 'alice', displayName: 'Alice Agent', password: 'alice-password', role: 'agent', email: 'Alice@Example.org', skills: { billing: 5 }, capacity: 2,
      });
      expect(created.statusCode).toBe(201);
      const alice = created.json() as { id: string };
      expect(alice).toMatchObject({ username: 'alice', role: 'agent', email: 'alice@example.org', skills: { billing: 5 }, capacity: 2 });
      const dup = await admin.post('/api/v1/users', { username: 'alice', displayName: 'Again', password: 'alice-password', role: 'agent' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json()).toMatchObject({ error: { code: 'user.exists' } });

      const list = await admin.get('/api/v1/users');
      expect(list.statusCode).toBe(200);
      expect((list.json() as { users: { username: string }[] }).users.map((u) => u.username)).toEqual(['admin', 'alice']);
      const one = await admin.get(`/api/v1/users/${alice.id}`);
      expect(one.json()).toMatchObject({ id: alice.id, displayName: 'Alice Agent' });
      for (const text of [created.body, list.body, one.body]) {
        expect(text).not.toMatch(/password|hash|argon/i);
      }
      // The new user can sign in with the password the admin set.
      expect(await login(app, 'alice', 'alice-password')).toMatch(/\S{20,}/);
    });

    it('stores SMTP server and account passwords sealed and never returns them; the account gets an entrance', async () => {
      const smtpPassword = 'smtp-Pa55word-do-not-leak';
      const imapPassword = 'imap-Pa55word-do-not-leak';
      const smtp = await admin.post('/api/v1/smtp-servers', {
        name: 'relay', host: 'smtp.example.test', port: 587, security: 'starttls', auth: { user: 'relay-user', password: smtpPassword, method: 'LOGIN' },
      });
      expect(smtp.statusCode).toBe(201);
      const smtpView = smtp.json() as { id: string };
      expect(smtpView).toMatchObject({ name: 'relay', auth: { user: 'relay-user', method: 'LOGIN', passwordSet: true } });

      const account = await admin.post('/api/v1/accounts', {
        address: 'Support@Example.test', protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls',
        username: 'support', password: imapPassword, smtpServerId: smtpView.id, returnAddress: 'no-reply@example.test',
        alternativeAddresses: ['help@example.test'],
      });
      expect(account.statusCode).toBe(201);
      const acct = account.json() as { id: string; entranceId: string };
      expect(acct).toMatchObject({
        address: 'support@example.test', passwordSet: true, mailbox: 'INBOX', afterImport: 'seen', pollIntervalSeconds: 30, enabled: true,
        alternativeAddresses: ['help@example.test'], health: { state: 'starting' },
      });
      expect(acct.entranceId).toEqual(expect.any(String));

      const entrances = await admin.get('/api/v1/entrances');
      const entrance = (entrances.json() as { entrances: { id: string; name: string; accountId: string; queueId: string }[] }).entrances.find((e) => e.id === acct.entranceId);
      expect(entrance).toMatchObject({ name: 'support@example.test', accountId: acct.id });
      const queues = await admin.get('/api/v1/queues');
      expect((queues.json() as { queues: { id: string; counts: object }[] }).queues).toContainEqual(
        expect.objectContaining({ id: entrance!.queueId, name: 'support@example.test', counts: { queued: 0, offered: 0, assigned: 0 } }));

      const stored = await deps.storage.db.selectFrom('accounts').select('password_secret').where('id', '=', acct.id).executeTakeFirstOrThrow();
      expect(stored.password_secret).not.toContain(imapPassword);
      expect(deps.secrets.open(stored.password_secret!)).toBe(imapPassword);

      const gets = await Promise.all(['/api/v1/smtp-servers', `/api/v1/smtp-servers/${smtpView.id}`, '/api/v1/accounts', `/api/v1/accounts/${acct.id}`, '/api/v1/entrances', '/api/v1/queues'].map((u) => admin.get(u)));
      for (const res of [smtp, account, ...gets]) {
        expect(res.statusCode).toBeLessThan(300);
        expect(res.body).not.toContain(smtpPassword);
        expect(res.body).not.toContain(imapPassword);
        expect(res.body).not.toMatch(/secret/i);
        expect(res.body).not.toMatch(/v1:[A-Za-z0-9+/=]+:/); // no sealed blob either
      }
    });

    it('shows account health, and lets supervisors read (not write) the configuration', async () => {
      const account = await admin.post('/api/v1/accounts', {
        address: 'sales@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', afterImport: 'move', moveTo: 'Archive',
      });
      expect(account.statusCode).toBe(201);
      const id = (account.json() as { id: string }).id;
      const at = Date.now();
      await updateAccountHealth(deps.storage.db, id, { state: 'failing', lastError: 'connection refused', lastSuccessAt: at - 60_000 }, at);
      const res = await admin.get(`/api/v1/accounts/${id}`);
      expect(res.json()).toMatchObject({
        afterImport: 'move', moveTo: 'Archive',
        health: { state: 'failing', lastError: 'connection refused', lastSuccessAt: new Date(at - 60_000).toISOString(), lastErrorAt: new Date(at).toISOString() },
      });

      await seedUser(deps, { username: 'sue', password: 'supervisor-pw', role: 'supervisor' });
      const sue = authed(app, await login(app, 'sue', 'supervisor-pw'));
      expect((await sue.get(`/api/v1/accounts/${id}`)).statusCode).toBe(200);
      expect((await sue.get('/api/v1/queues')).statusCode).toBe(200);
      const write = await sue.post('/api/v1/smtp-servers', { name: 'x', host: 'x.example', port: 25, security: 'none' });
      expect(write.statusCode).toBe(403);
      expect((await sue.get('/api/v1/users')).statusCode).toBe(403);
    });

    it('serves the landing page, the health check and metrics without a session', async () => {
      const home = await app.inject({ method: 'GET', url: '/' });
      expect(home.statusCode).toBe(200);
      expect(home.headers['content-type']).toMatch(/text\/html/);
      expect(home.body).toContain('/api/docs');
      expect(home.body).not.toMatch(/(src|href)="https?:/);

      const health = await app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok', db: 'ok' });

      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.body).toContain('switchyard_outbox_backlog 0');
      expect(metrics.body).toContain('switchyard_queue_contacts');
    });
  });
}

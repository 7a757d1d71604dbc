import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, login, seedUser, type Authed } from '../support/api.js';
import { waitFor } from '../support/mailstack.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { startDelivery } from '../../src/roles/delivery/index.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import { enqueueOutbox } from '../../src/storage/repositories/outbox.js';
import type { MailSender } from '../../src/adapters/smtp-out/sender.js';
import type { StopRole } from '../../src/app/deps.js';

/**
 * Issue 9: an SMTP server can be switched off. Mail for it then waits in the outbox with a clear
 * reason (pending, attempts not used up) instead of failing, and leaves once it is enabled again.
 */
type Json = Record<string, any>;

for (const dialect of BACKENDS) {
  describe(`disabling an SMTP server (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let admin: Authed; let agent: Authed;
    let stop: StopRole;
    const sent: string[] = [];
    const sender: MailSender = { send: async (server) => { sent.push(server?.host ?? 'none'); return { via: 'fake' }; }, close: () => undefined };

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      await seedUser(deps, { username: 'admin', password: 'admin-password', role: 'admin' });
      await seedUser(deps, { username: 'agent', password: 'agent-password', role: 'agent' });
      admin = authed(app, await login(app, 'admin', 'admin-password'));
      agent = authed(app, await login(app, 'agent', 'agent-password'));
      stop = await startDelivery(deps, { sweepMs: 100, sender });
    });
    afterAll(async () => { await stop?.(); await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('waits with the reason while disabled, sends when enabled; the switch is in the API and the audit log', async () => {
      const created = await admin.post('/api/v1/smtp-servers', { name: 'relay', host: 'relay.example.test', port: 25, security: 'none', enabled: false });
      expect(created.statusCode).toBe(201);
      const server = created.json() as Json;
      expect(server.enabled).toBe(false);
      const acct = await createAccount(deps.storage.db, {
        address: `out-${dialect}@example.test`, protocol: 'smtp', host: '127.0.0.1', port: 0, security: 'none', username: null, passwordSealed: null, mailbox: 'INBOX',
        afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: server.id, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!acct.ok) throw new Error(acct.message);
      const id = await enqueueOutbox(deps.storage.db, { kind: 'redirect', contactId: null, accountId: acct.account.id, envelopeFrom: 'out@example.test', envelopeTo: ['kim@example.test'], raw: Buffer.from('Subject: x\r\n\r\nhi\r\n') }, Date.now());
      await deps.bus.publish('outbox');
      const waiting = await waitFor(async () => {
        const r = await deps.storage.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        return r.last_error ? r : null;
      }, 10_000, 'the row waits');
      expect(waiting.status).toBe('pending');
      expect(waiting.last_error).toBe("waiting: the SMTP server 'relay' is disabled; this mail is sent when an administrator enables it again");
      expect(Number(waiting.attempts)).toBe(0);
      expect(Number(waiting.next_attempt_at)).toBeGreaterThan(Date.now() + 30_000);
      expect(sent).toEqual([]);
      const view = (await admin.get(`/api/v1/outbox/${id}`)).json() as Json;
      expect(JSON.stringify(view)).toContain('is disabled');

      // Only admins switch it; enabling sends what waited at once (not after the minute's recheck).
      expect((await agent.inject({ method: 'PATCH', url: `/api/v1/smtp-servers/${server.id}`, payload: { enabled: true } })).statusCode).toBe(403);
      const enabled = await admin.inject({ method: 'PATCH', url: `/api/v1/smtp-servers/${server.id}`, payload: { enabled: true } });
      expect(enabled.json()).toMatchObject({ enabled: true });
      await waitFor(async () => (await deps.storage.db.selectFrom('outbox').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status === 'sent', 10_000, 'sent after enabling');
      expect(sent).toEqual(['relay.example.test']);

      const disabled = await admin.inject({ method: 'PATCH', url: `/api/v1/smtp-servers/${server.id}`, payload: { enabled: false } });
      expect(disabled.json()).toMatchObject({ enabled: false });
      expect(((await admin.get('/api/v1/smtp-servers')).json() as Json).smtpServers[0]).toMatchObject({ name: 'relay', enabled: false });
      const audit = (await admin.get('/api/v1/audit?objectType=smtp-servers')).json() as Json;
      expect(JSON.stringify(audit)).toContain('"enabled":false');
    });
  });
}

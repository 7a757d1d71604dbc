import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { StopRole } from '../../src/app/deps.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { ADMIN, authed, login, seedAdmin, seedUser, type Authed } from '../support/api.js';
import { waitFor } from '../support/mailstack.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { startEmailServer } from '../../src/roles/email-server/index.js';
import { storeInbound } from '../../src/storage/repositories/inbound.js';
import { enqueueOutbox } from '../../src/storage/repositories/outbox.js';

/** Quarantine release and discard, outbox retry and raw downloads, each audited. */
type Json = Record<string, any>;
const mail = (subject: string, body = 'Hello there') => Buffer.from(
  `From: Customer <customer@example.org>\r\nTo: ops@example.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.org>\r\nDate: Mon, 30 Nov 2026 08:00:00 +0000\r\n\r\n${body}\r\n`);

for (const dialect of BACKENDS) {
  describe(`quarantine and outbox actions (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let admin: Authed;
    let supervisor: Authed;
    let stopEmail: StopRole;
    let accountId: string;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      await seedAdmin(deps);
      await seedUser(deps, { username: 'sup', password: 'sup-password', role: 'supervisor' });
      admin = authed(app, await login(app, ADMIN.username, ADMIN.password));
      supervisor = authed(app, await login(app, 'sup', 'sup-password'));
      accountId = ((await admin.post('/api/v1/accounts', { address: 'ops@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2604, security: 'none' })).json() as Json).id;
      stopEmail = await startEmailServer(deps, { sweepMs: 100, delivery: false });
    });
    afterAll(async () => { await stopEmail?.(); await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('releases a message quarantined for its size after the limit was raised: it becomes a contact', async () => {
      await admin.put(`/api/v1/accounts/${accountId}/size-limit`, { maxMessageBytes: 1024 });
      const big = mail('too big', 'x'.repeat(4000));
      const stored = await storeInbound(deps.storage, { accountId, uidvalidity: null, uid: null, raw: big, sourceAction: 'none' }, Date.now());
      await deps.bus.publish('inbound');
      const entry = await waitFor(async () => ((await supervisor.get('/api/v1/quarantine')).json() as Json).quarantine.find((q: Json) => q.inboundMessageId === stored.id), 10_000, 'quarantine');
      expect(entry).toMatchObject({ reasonCode: 'message.too_large', resolution: null });

      expect((await supervisor.post(`/api/v1/quarantine/${entry.id}/release`)).statusCode).toBe(403);
      const raw = await admin.get(`/api/v1/quarantine/${entry.id}/raw`);
      expect(raw.rawPayload.equals(big)).toBe(true);

      await admin.put(`/api/v1/accounts/${accountId}/size-limit`, { maxMessageBytes: 1024 * 1024 });
      const released = await admin.post(`/api/v1/quarantine/${entry.id}/release`);
      expect(released.statusCode).toBe(200);
      expect(released.json()).toMatchObject({ resolution: 'released', resolvedBy: 'admin' });
      const contact = await waitFor(async () => deps.storage.db.selectFrom('inbound_messages').select(['status', 'contact_id']).where('id', '=', stored.id!).executeTakeFirst()
        .then((r) => (r?.status === 'done' ? r : null)), 10_000, 'the released message to become a contact');
      expect(contact.contact_id).toBeTruthy();
      expect(((await supervisor.get('/api/v1/quarantine')).json() as Json).quarantine.map((q: Json) => q.id)).not.toContain(entry.id);
      expect((await admin.post(`/api/v1/quarantine/${entry.id}/release`)).json()).toMatchObject({ error: { code: 'quarantine.resolved' } });

      const audit = ((await admin.get('/api/v1/audit?objectType=quarantine')).json() as Json).entries;
      expect(audit[0]).toMatchObject({ action: 'release', objectId: String(entry.id), before: { resolution: null }, after: { resolution: 'released' } });
    });

    it('discards an entry, keeping the raw message for the record', async () => {
      await admin.put(`/api/v1/accounts/${accountId}/size-limit`, { maxMessageBytes: 1024 });
      const stored = await storeInbound(deps.storage, { accountId, uidvalidity: null, uid: null, raw: mail('spam big', 'y'.repeat(4000)), sourceAction: 'none' }, Date.now());
      await deps.bus.publish('inbound');
      const entry = await waitFor(async () => ((await admin.get('/api/v1/quarantine')).json() as Json).quarantine.find((q: Json) => q.inboundMessageId === stored.id), 10_000, 'quarantine');
      const discarded = await admin.delete(`/api/v1/quarantine/${entry.id}`);
      expect(discarded.json()).toMatchObject({ resolution: 'discarded' });
      expect(((await admin.get('/api/v1/quarantine?state=discarded')).json() as Json).quarantine.map((q: Json) => q.id)).toContain(entry.id);
      expect((await admin.get(`/api/v1/quarantine/${entry.id}/raw`)).statusCode).toBe(200);
      expect((await admin.post(`/api/v1/quarantine/${entry.id}/release`)).statusCode).toBe(409);
    });

    it('retries a failed outgoing message only when it failed, and downloads it raw', async () => {
      const raw = Buffer.from('From: ops@example.test\r\nTo: a@example.org\r\nSubject: answer\r\n\r\nhi\r\n');
      const id = await enqueueOutbox(deps.storage.db, { kind: 'reply', contactId: null, accountId, envelopeFrom: 'ops@example.test', envelopeTo: ['a@example.org'], raw }, Date.now());
      expect((await admin.post(`/api/v1/outbox/${id}/retry`)).json()).toMatchObject({ error: { code: 'outbox.not_failed' } });
      await deps.storage.db.updateTable('outbox').set({ status: 'failed', attempts: 10, last_error: 'permanent: 550 no such user' }).where('id', '=', id).execute();
      const retried = await admin.post(`/api/v1/outbox/${id}/retry`);
      expect(retried.statusCode).toBe(200);
      expect(retried.json()).toMatchObject({ id, status: 'pending', attempts: 0 });
      expect((await admin.get(`/api/v1/outbox/${id}/raw`)).rawPayload.equals(raw)).toBe(true);
      expect((await supervisor.get(`/api/v1/outbox/${id}/raw`)).statusCode).toBe(403);
      expect(((await admin.get('/api/v1/audit?objectType=outbox')).json() as Json).entries[0]).toMatchObject({ action: 'retry', before: { status: 'failed' }, after: { status: 'pending' } });
    });
  });
}

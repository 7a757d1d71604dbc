import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, insertContact, login, seedUser, type Authed } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { submitAcdEvent } from '../../src/roles/acd/engine.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import { storeInbound } from '../../src/storage/repositories/inbound.js';
import { parseEmail } from '../../src/adapters/mime/parse.js';

/** Agent state, contact visibility, offers accept/decline/close, reading and attachments through the API. */
const PDF_BYTES = Buffer.from('%PDF-1.4\n% not really a PDF, but bytes are bytes\n\x00\x01\x02\xff');
const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

function messageWithAttachments(): Buffer {
  const html = '<p>Invoice attached.</p><script>alert(1)</script><img src="cid:logo@example.org"><img src="https://tracker.example/p.gif" onerror="alert(2)"><a href="javascript:alert(3)">x</a>';
  return Buffer.from([
    'From: "Customer" <customer@example.org>', 'To: support@example.test', 'Subject: Invoice', 'Message-ID: <att-1@example.org>',
    'Date: Fri, 27 Nov 2026 09:00:00 +0000', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="outer"', '',
    '--outer', 'Content-Type: multipart/related; boundary="rel"', '',
    '--rel', 'Content-Type: text/html; charset=utf-8', '', html, '',
    '--rel', 'Content-Type: image/png', 'Content-Transfer-Encoding: base64', 'Content-ID: <logo@example.org>', 'Content-Disposition: inline; filename="logo.png"', '',
    PNG_BYTES.toString('base64'), '--rel--', '',
    '--outer', 'Content-Type: application/pdf; name="faktura-ö.pdf"', 'Content-Transfer-Encoding: base64',
    "Content-Disposition: attachment; filename*=UTF-8''faktura-%C3%B6.pdf", '', PDF_BYTES.toString('base64'), '--outer--', '',
  ].join('\r\n'));
}

/** Time-like fields (…At, …Until, until) holding a number: epoch milliseconds where ISO 8601 belongs. */
function epochTimes(v: unknown, path = ''): string[] {
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => (/(At|Until)$|^until$/.test(k) && typeof x === 'number' ? [`${path}${k}`] : epochTimes(x, `${path}${k}.`)));
}

for (const dialect of BACKENDS) {
  describe(`web API: agents, contacts and offers (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let alice: Authed; let bob: Authed; let sue: Authed;
    let aliceId: string; let bobId: string;
    let entranceId: string; let queueId: string; let accountId: string;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      const acct = await createAccount(deps.storage.db, {
        address: 'support@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!acct.ok) throw new Error(acct.message);
      ({ entranceId, queueId } = acct);
      accountId = acct.account.id;
      aliceId = (await seedUser(deps, { username: 'alice', password: 'alice-password', role: 'agent' })).id;
      bobId = (await seedUser(deps, { username: 'bob', password: 'bob-password', role: 'agent' })).id;
      await seedUser(deps, { username: 'sue', password: 'supervisor-pw', role: 'supervisor' });
      alice = authed(app, await login(app, 'alice', 'alice-password'));
      bob = authed(app, await login(app, 'bob', 'bob-password'));
      sue = authed(app, await login(app, 'sue', 'supervisor-pw'));
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    const myOffers = async (who: Authed) => ((await who.get('/api/v1/agents/me')).json() as { offers: { id: string; contactId: string }[] }).offers;

    it('lets an agent go ready and paused, and supervisors see every agent', async () => {
      const ready = await alice.put('/api/v1/agents/me/state', { state: 'ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ id: aliceId, state: 'ready', pauseReason: null, offers: [], contacts: [] });
      const paused = await alice.put('/api/v1/agents/me/state', { state: 'paused', reason: 'lunch' });
      expect(paused.json()).toMatchObject({ state: 'paused', pauseReason: 'lunch' });
      const agents = await sue.get('/api/v1/agents');
      expect(agents.statusCode).toBe(200);
      expect((agents.json() as { agents: { username: string; state: string }[] }).agents).toContainEqual(expect.objectContaining({ username: 'alice', state: 'paused' }));
      expect((await alice.get('/api/v1/agents')).statusCode).toBe(403);
    });

    it('shows agents only their own contacts; offer → decline → offer to another agent → accept → close', async () => {
      const contactId = await insertContact(deps, { entranceId, queueId, subject: 'Where is my order?' });
      const other = await insertContact(deps, { entranceId, queueId, subject: 'Closed by bob long ago', status: 'closed', agentId: bobId });
      await submitAcdEvent(deps, { type: 'tick' });

      // Nobody is ready: the contact waits; agents see none of it, the supervisor sees all.
      expect((await alice.get('/api/v1/contacts')).json()).toEqual({ contacts: [] });
      expect(((await sue.get('/api/v1/contacts?status=queued')).json() as { contacts: { id: string }[] }).contacts.map((c) => c.id)).toEqual([contactId]);
      expect((await alice.get(`/api/v1/contacts/${contactId}`)).statusCode).toBe(403);
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toContain('switchyard_queue_contacts{queue="support@example.test",status="queued"} 1');
      const queues = (await sue.get('/api/v1/queues')).json() as { queues: { id: string; counts: { queued: number } }[] };
      expect(queues.queues.find((q) => q.id === queueId)?.counts.queued).toBe(1);

      await alice.put('/api/v1/agents/me/state', { state: 'ready' });
      const [offer] = await myOffers(alice);
      expect(offer).toMatchObject({ contactId });
      const aliceList = (await alice.get('/api/v1/contacts')).json() as { contacts: { id: string; status: string }[] };
      expect(aliceList.contacts).toEqual([expect.objectContaining({ id: contactId, status: 'offered' })]);
      expect((await alice.get(`/api/v1/contacts/${contactId}`)).json()).toMatchObject({ id: contactId, subject: 'Where is my order?', html: null, remoteContentBlocked: 0 });
      // Bob sees his closed contact, not Alice's offer.
      expect(((await bob.get('/api/v1/contacts')).json() as { contacts: { id: string }[] }).contacts.map((c) => c.id)).toEqual([other]);
      expect((await bob.get(`/api/v1/contacts/${contactId}`)).json()).toMatchObject({ error: { code: 'contact.forbidden' } });
      expect((await alice.get(`/api/v1/contacts/${other}`)).statusCode).toBe(403);
      expect((await sue.get(`/api/v1/contacts/${other}`)).statusCode).toBe(200);
      expect((await bob.post(`/api/v1/offers/${offer.id}/accept`)).json()).toMatchObject({ error: { code: 'offer.forbidden' } });

      const declined = await alice.post(`/api/v1/offers/${offer.id}/decline`);
      expect(declined.statusCode).toBe(200);
      expect((declined.json() as { effects: { type: string }[] }).effects.map((e) => e.type)).toEqual(expect.arrayContaining(['offer.withdrawn', 'contact.requeued']));
      expect((await alice.post(`/api/v1/offers/${offer.id}/accept`)).json()).toMatchObject({ error: { code: 'offer.not_open' } });
      expect((await alice.post('/api/v1/offers/no-such-offer/accept')).statusCode).toBe(404);
      expect(await myOffers(alice)).toEqual([]); // declined contacts are not offered to the same agent again

      await bob.put('/api/v1/agents/me/state', { state: 'ready' });
      const [bobOffer] = await myOffers(bob);
      expect(bobOffer).toMatchObject({ contactId });
      const accepted = await bob.post(`/api/v1/offers/${bobOffer.id}/accept`, {});
      expect(accepted.statusCode).toBe(200);
      expect((accepted.json() as { effects: { type: string }[] }).effects.map((e) => e.type)).toEqual(expect.arrayContaining(['offer.accepted', 'contact.assigned']));
      expect((await bob.get('/api/v1/agents/me')).json()).toMatchObject({ offers: [], contacts: [expect.objectContaining({ id: contactId, status: 'assigned' })] });
      expect((await alice.post(`/api/v1/contacts/${contactId}/close`)).statusCode).toBe(403);

      const closed = await bob.post(`/api/v1/contacts/${contactId}/close`);
      expect(closed.statusCode).toBe(200);
      expect((closed.json() as { effects: { type: string }[] }).effects.map((e) => e.type)).toContain('contact.closed');
      // Issue 9, operator's first hour: accept and close answer with ISO 8601 times, never epoch milliseconds.
      for (const body of [accepted.json(), closed.json()]) {
        expect(epochTimes(body), JSON.stringify(body)).toEqual([]);
      }
      expect(JSON.stringify(accepted.json())).toMatch(/"createdAt":"\d{4}-\d{2}-\d{2}T[\d:.]+Z"/);
      expect((await bob.post(`/api/v1/contacts/${contactId}/close`)).json()).toMatchObject({ error: { code: 'contact.not_assigned' } });
      expect((await bob.post('/api/v1/contacts/nope/close')).statusCode).toBe(404);
      expect((await bob.get(`/api/v1/contacts/${contactId}`)).json()).toMatchObject({ status: 'closed', agentId: bobId });
      expect(((await bob.get('/api/v1/contacts?status=closed')).json() as { contacts: unknown[] }).contacts).toHaveLength(2);
      await alice.put('/api/v1/agents/me/state', { state: 'logged_out' });
      await bob.put('/api/v1/agents/me/state', { state: 'paused' });
    });

    it('serves sanitized HTML, attachments as downloads and the raw message to supervisors only', async () => {
      const raw = messageWithAttachments();
      const stored = await storeInbound(deps.storage, { accountId, uidvalidity: null, uid: null, raw, sourceAction: 'none' }, Date.now());
      const parsed = await parseEmail(raw);
      if (!parsed.ok) throw new Error(parsed.reason);
      const pdfIndex = parsed.email.attachments.findIndex((a) => a.contentType === 'application/pdf');
      const contactId = await insertContact(deps, {
        entranceId, queueId, status: 'closed', agentId: aliceId, inboundMessageId: stored.id, html: parsed.email.html, attachments: parsed.email.attachments,
      });

      const detail = await alice.get(`/api/v1/contacts/${contactId}`);
      expect(detail.statusCode).toBe(200);
      const d = detail.json() as { html: string; remoteContentBlocked: number; attachments: { index: number; url: string; contentId: string | null }[] };
      expect(d.html).toContain('Invoice attached.');
      expect(d.html).not.toMatch(/<script|onerror|javascript:|\ssrc="https?:/i);
      expect(d.html).toContain('data-blocked-src="https://tracker.example/p.gif"');
      expect(d.remoteContentBlocked).toBe(1);
      const logo = d.attachments.find((a) => a.contentId !== null)!;
      expect(d.html).toContain(`src="/api/v1/contacts/${contactId}/attachments/${logo.index}"`);

      const pdf = await alice.get(`/api/v1/contacts/${contactId}/attachments/${pdfIndex}`);
      expect(pdf.statusCode).toBe(200);
      expect(pdf.rawPayload.equals(PDF_BYTES)).toBe(true);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.headers['content-disposition']).toContain("filename*=UTF-8''faktura-%C3%B6.pdf");
      expect(pdf.headers['content-disposition']).toMatch(/^attachment;/);
      expect(pdf.headers['x-content-type-options']).toBe('nosniff');
      expect((await alice.get(`/api/v1/contacts/${contactId}/attachments/99`)).json()).toMatchObject({ error: { code: 'attachment.not_found' } });
      expect((await bob.get(`/api/v1/contacts/${contactId}/attachments/${pdfIndex}`)).statusCode).toBe(403);

      expect((await alice.get(`/api/v1/contacts/${contactId}/raw`)).statusCode).toBe(403);
      const rawRes = await sue.get(`/api/v1/contacts/${contactId}/raw`);
      expect(rawRes.statusCode).toBe(200);
      expect(rawRes.headers['content-type']).toBe('message/rfc822');
      expect(rawRes.rawPayload.equals(raw)).toBe(true);
    });

    it('lists quarantine and outbox for supervisors; raw quarantined mail for admins only', async () => {
      const raw = Buffer.from('not really mail\r\n');
      const stored = await storeInbound(deps.storage, { accountId, uidvalidity: null, uid: null, raw, sourceAction: 'none' }, Date.now());
      await deps.storage.db.insertInto('quarantine').values({ inbound_message_id: stored.id, account_id: accountId, reason_code: 'mime.unparseable', reason: 'test', created_at: Date.now() }).execute();
      const list = await sue.get('/api/v1/quarantine');
      expect(list.statusCode).toBe(200);
      const [entry] = (list.json() as { quarantine: { id: number; reasonCode: string; size: number }[] }).quarantine;
      expect(entry).toMatchObject({ reasonCode: 'mime.unparseable', size: raw.length });
      expect((await sue.get(`/api/v1/quarantine/${entry.id}/raw`)).statusCode).toBe(403);
      await seedUser(deps, { username: 'root', password: 'root-password', role: 'admin' });
      const root = authed(app, await login(app, 'root', 'root-password'));
      const rawRes = await root.get(`/api/v1/quarantine/${entry.id}/raw`);
      expect(rawRes.statusCode).toBe(200);
      expect(rawRes.rawPayload.equals(raw)).toBe(true);
      expect((await root.get('/api/v1/quarantine/999999/raw')).statusCode).toBe(404);
      expect((await root.get('/api/v1/quarantine/abc/raw')).statusCode).toBe(404);

      const outbox = await sue.get('/api/v1/outbox?contactId=none');
      expect(outbox.statusCode).toBe(200);
      expect(outbox.json()).toEqual({ outbox: [] });
      expect((await alice.get('/api/v1/outbox')).statusCode).toBe(403);
    });
  });
}

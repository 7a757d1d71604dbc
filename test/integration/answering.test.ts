import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, login, seedUser, type Authed } from '../support/api.js';
import { connect } from '../support/ws.js';
import { freshMailbox, mailsIn, MAIL, waitFor, waitForMail } from '../support/mailstack.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { startDelivery } from '../../src/roles/delivery/index.js';
import { processInbound } from '../../src/roles/email-server/pipeline.js';
import { createAccount, createSmtpServer } from '../../src/storage/repositories/accounts.js';
import { claimInbound, storeInbound } from '../../src/storage/repositories/inbound.js';
import type { StopRole } from '../../src/app/deps.js';

/**
 * Answering on the server, end to end: answers composed by Switchyard go through the outbox and
 * the real Postfix into the customer's Dovecot mailbox, a copy lands in the account's Sent folder,
 * and the customer's reply threads back to the same case. Both storage backends.
 */
type Json = Record<string, any>;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const PDF = Buffer.from('%PDF-1.4\n% forwarded invoice\n');

for (const dialect of BACKENDS) {
  describe(`answering (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let stopDelivery: StopRole;
    let alice: Authed; let bob: Authed; let sue: Authed; let aliceToken: string;
    let aliceId: string;
    let support: { address: string; password: string };
    let customer: { address: string; password: string };
    let colleague: { address: string; password: string };
    let blind: { address: string; password: string };
    let accountId: string; let entranceId: string;
    const sales = `sales-${dialect}@example.test`;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      deps.config.answers.maxUploadBytes = 64 * 1024;
      deps.config.answers.undoSendSeconds = 0;
      app = await buildWebApp(deps);
      support = freshMailbox('support');
      customer = freshMailbox('customer');
      colleague = freshMailbox('colleague');
      blind = freshMailbox('blind'); // made early: Postfix's recipient table takes a moment to know a new mailbox
      const now = Date.now();
      const smtp = await createSmtpServer(deps.storage.db, { name: 'postfix', host: MAIL.host, port: MAIL.smtpPort, security: 'none', auth: null }, now);
      if (!smtp.ok) throw new Error(smtp.message);
      const acct = await createAccount(deps.storage.db, {
        address: support.address, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: support.address,
        passwordSealed: deps.secrets.seal(support.password), mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30,
        smtpServerId: smtp.server.id, returnAddress: support.address, alternativeAddresses: ['zz-help@example.test', 'bb-help@example.test'], enabled: true,
      }, now);
      if (!acct.ok) throw new Error(acct.message);
      accountId = acct.account.id; entranceId = acct.entranceId;
      const other = await createAccount(deps.storage.db, {
        address: sales, protocol: 'smtp', host: '127.0.0.1', port: 0, security: 'none', username: null, passwordSealed: null, mailbox: 'INBOX', afterImport: 'seen',
        moveTo: null, pollIntervalSeconds: 30, smtpServerId: smtp.server.id, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, now);
      if (!other.ok) throw new Error(other.message);
      aliceId = (await seedUser(deps, { username: 'alice', password: 'alice-password', role: 'agent' })).id;
      await seedUser(deps, { username: 'bob', password: 'bob-password', role: 'agent' });
      await seedUser(deps, { username: 'sue', password: 'supervisor-pw', role: 'supervisor' });
      await deps.storage.db.updateTable('users').set({ display_name: 'Alice Agent' }).where('id', '=', aliceId).execute();
      aliceToken = await login(app, 'alice', 'alice-password');
      alice = authed(app, aliceToken);
      bob = authed(app, await login(app, 'bob', 'bob-password'));
      sue = authed(app, await login(app, 'sue', 'supervisor-pw'));
      const admin = await seedUser(deps, { username: 'admin', password: 'admin-password', role: 'admin' });
      void admin;
      const adm = authed(app, await login(app, 'admin', 'admin-password'));
      expect((await adm.inject({ method: 'PATCH', url: `/api/v1/routing/entrances/${entranceId}`, payload: { signature: 'Kind regards,\n{{agent.name}}\nSupport team' } })).json())
        .toMatchObject({ signature: 'Kind regards,\n{{agent.name}}\nSupport team' });
      stopDelivery = await startDelivery(deps, { sweepMs: 200 });
    });
    afterAll(async () => { await stopDelivery?.(); await app?.close(); await deps?.close(); await tdb?.drop(); });

    let seq = 0;
    /** A customer mail through the email-server pipeline, assigned to Alice. */
    async function contactFrom(raw: Buffer, agentId = aliceId): Promise<Json> {
      await storeInbound(deps.storage, { accountId, uidvalidity: null, uid: null, raw, sourceAction: 'none' }, Date.now());
      const [m] = await claimInbound(deps.storage, 'test', 1, Date.now(), 60_000);
      const out = await processInbound(deps, m);
      if (out.kind !== 'contact') throw new Error(out.kind);
      await deps.storage.db.updateTable('contacts').set({ status: 'assigned', agent_id: agentId, assigned_at: Date.now() }).where('id', '=', out.contactId).execute();
      return deps.storage.db.selectFrom('contacts').selectAll().where('id', '=', out.contactId).executeTakeFirstOrThrow();
    }
    const plain = (subject: string, extra: string[] = []) => {
      const id = `<q${++seq}.${dialect}.${Date.now()}@customer.example>`;
      return { id, raw: Buffer.from([
        `From: "Kim Kund" <${customer.address}>`, `To: zz-help@example.test, ${sales}`, `Cc: ${colleague.address}, ${support.address}`, `Subject: ${subject}`,
        `Message-ID: ${id}`, 'Date: Mon, 30 Nov 2026 08:00:00 +0000', ...extra, 'Content-Type: text/plain; charset=utf-8', '', 'Where is my order 1234?', '',
      ].join('\r\n')) };
    };
    const waitState = (answerId: string, state: string) => waitFor(async () => {
      const r = (await alice.get(`/api/v1/answers/${answerId}`)).json() as Json;
      return r.answer?.state === state ? r.answer : null;
    }, 20_000, `answer ${answerId} ${state}`, 100);

    it('offers the From addresses in order and reply / reply-all defaults without our own addresses', async () => {
      const { raw } = plain('Options please');
      const c = await contactFrom(raw);
      const r = await alice.get(`/api/v1/contacts/${c.id}/answer-options`);
      expect(r.statusCode).toBe(200);
      const o = r.json() as Json;
      // return address, then the address written to (an entrance of Alice's area), then alternatives alphabetically
      expect(o.fromAddresses).toEqual([support.address, 'zz-help@example.test', 'bb-help@example.test']);
      expect(o.defaults.reply).toEqual({ to: [customer.address], cc: [], subject: `Re: Options please [#${c.case_number}]` });
      expect(o.defaults['reply-all']).toEqual({ to: [customer.address], cc: [colleague.address], subject: `Re: Options please [#${c.case_number}]` });
      expect(o.defaults.forward).toEqual({ to: [], cc: [], subject: `Fwd: Options please [#${c.case_number}]` });
      expect(o.undoSeconds).toBe(0);
      expect((await sue.get(`/api/v1/contacts/${c.id}/answer-options`)).statusCode).toBe(200);
      expect((await bob.get(`/api/v1/contacts/${c.id}/answer-options`)).json()).toMatchObject({ error: { code: 'contact.forbidden' } });
    });

    it('replies through Postfix with threading headers, case tag and signature; copies to Sent; the customer\'s reply joins the case', async () => {
      const { id: originalId, raw } = plain('Order status');
      const c = await contactFrom(raw);
      await adminTemplate();
      const opts = (await alice.get(`/api/v1/contacts/${c.id}/answer-options`)).json() as Json;
      const tpl = opts.templates.find((t: Json) => t.name === `Order ${dialect}`);
      const rendered = (await alice.post(`/api/v1/contacts/${c.id}/render-template`, { templateId: tpl.id })).json() as Json;
      expect(rendered.missing).toEqual(['order.eta']);
      expect(rendered.html).toContain('Dear Kim Kund');
      expect(rendered.html).toContain('{{order.eta}}');
      const base = { mode: 'reply', from: support.address, to: [customer.address], cc: [], bcc: [], subject: opts.defaults.reply.subject, quote: 'thread', attachmentIds: [], templateId: tpl.id };
      // The unfilled variable refuses the send with the list …
      const refused = await alice.post(`/api/v1/contacts/${c.id}/answers`, { ...base, html: rendered.html });
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ error: { code: 'answer.missing_variables', details: [{ path: 'body.html', message: '{{order.eta}} has no value' }] } });
      // … the agent edits it out; variables still in the text are filled at send time.
      const html = `${rendered.html.replace('{{order.eta}}', 'Friday')}<p>Case {{case.number}}</p>`;
      const sent = await alice.post(`/api/v1/contacts/${c.id}/answers`, { ...base, html });
      expect(sent.statusCode).toBe(201);
      const answer = (sent.json() as Json).answer;
      expect(answer).toMatchObject({ state: 'queued', from: support.address, to: [customer.address], subject: `Re: Order status [#${c.case_number}]` });
      await waitState(answer.id, 'sent');
      const got = await waitForMail(customer, `Re: Order status [#${c.case_number}]`);
      expect(got.messageId).toBe(answer.messageId);
      expect(got.inReplyTo).toBe(originalId);
      expect([got.references].flat()).toContain(originalId);
      expect(got.from?.value[0].address).toBe(support.address);
      expect(got.text).toContain('Dear Kim Kund');
      expect(got.text).toContain('arrives Friday');
      expect(got.text).toContain(`Case ${c.case_number}`);
      expect(got.text).toMatch(/-- \n(.|\n)*Kind regards,\s*\nAlice Agent/);
      expect(got.text).toContain('> Where is my order 1234?');
      expect(got.html).toContain('<blockquote type="cite">');
      const copy = await waitForMail(support, `Re: Order status [#${c.case_number}]`, 'Sent');
      expect(copy.messageId).toBe(answer.messageId);
      await waitFor(async () => (await deps.storage.db.selectFrom('outbox').select('status').where('kind', '=', 'sent_copy').where('contact_id', '=', c.id).executeTakeFirst())?.status === 'sent', 10_000, 'sent copy done');
      expect((await mailsIn(support, 'Sent')).filter((m) => m.messageId === answer.messageId)).toHaveLength(1);

      const events = await deps.storage.db.selectFrom('events').select(['type', 'data']).where('type', '=', 'answer.state').where('contact_id', '=', c.id).orderBy('id').execute();
      expect(events.map((e) => JSON.parse(e.data).state)).toEqual(['queued', 'sent']);
      expect(JSON.parse(events[1].data)).toEqual({ answerId: answer.id, contactId: c.id, agentId: aliceId, state: 'sent' });

      const conv = (await alice.get(`/api/v1/contacts/${c.id}/conversation`)).json() as Json;
      expect(conv.messages.map((m: Json) => [m.direction, m.state])).toEqual([['in', null], ['out', 'sent']]);
      expect(conv.messages[1]).toMatchObject({ from: support.address, to: [customer.address], entranceId, agentId: aliceId, messageId: answer.messageId });

      // The customer answers our answer: it threads back to the same case.
      const follow = await contactFrom(Buffer.from([
        `From: "Kim Kund" <${customer.address}>`, `To: ${support.address}`, 'Subject: Re: thanks (no tag here)', `Message-ID: <f${++seq}.${Date.now()}@customer.example>`,
        `In-Reply-To: ${answer.messageId}`, 'Date: Mon, 30 Nov 2026 09:00:00 +0000', 'Content-Type: text/plain; charset=utf-8', '', 'Thanks!', '',
      ].join('\r\n')));
      expect(follow.case_id).toBe(c.case_id);
      expect(JSON.parse(follow.analysis).thread).toMatchObject({ via: 'in-reply-to' });
      const conv2 = (await alice.get(`/api/v1/contacts/${follow.id}/conversation`)).json() as Json;
      expect(conv2.messages.map((m: Json) => m.direction)).toEqual(['in', 'out', 'in']);
    });

    async function adminTemplate() {
      const adm = authed(app, await login(app, 'admin', 'admin-password'));
      const r = await adm.post('/api/v1/answer-templates', { name: `Order ${dialect}`, defaultLanguage: 'en', versions: { en: { subject: 'Your order', body: 'Dear {{customer.name}},\n\nYour order arrives {{order.eta}}.' } } });
      expect(r.statusCode).toBe(201);
    }

    it('reply-all reaches To and Cc minus our own addresses', async () => {
      const c = await contactFrom(plain('Everyone please').raw);
      const o = (await alice.get(`/api/v1/contacts/${c.id}/answer-options`)).json() as Json;
      const d = o.defaults['reply-all'];
      const r = await alice.post(`/api/v1/contacts/${c.id}/answers`, { mode: 'reply-all', from: 'zz-help@example.test', to: d.to, cc: d.cc, subject: d.subject, html: '<p>All of you</p>', quote: 'none' });
      expect(r.statusCode).toBe(201);
      const a = (r.json() as Json).answer;
      await waitState(a.id, 'sent');
      const atCustomer = await waitForMail(customer, d.subject);
      const atColleague = await waitForMail(colleague, d.subject);
      expect(atCustomer.messageId).toBe(a.messageId);
      expect(atColleague.messageId).toBe(a.messageId);
      expect(atCustomer.from?.value[0].address).toBe('zz-help@example.test');
      expect((atCustomer.cc && !Array.isArray(atCustomer.cc) ? atCustomer.cc.value : []).map((x) => x.address)).toEqual([colleague.address]);
      expect(atCustomer.text).not.toContain('Where is my order'); // quote: none
      const ob = await deps.storage.db.selectFrom('outbox').select('envelope_to').where('kind', '=', 'reply').where('contact_id', '=', c.id).executeTakeFirstOrThrow();
      expect(JSON.parse(ob.envelope_to)).toEqual([customer.address, colleague.address]);
    });

    it('Bcc reaches its recipient, stays out of the sent headers, and shows in the Sent folder copy', async () => {
      const c = await contactFrom(plain('Blind copy please').raw);
      const o = (await alice.get(`/api/v1/contacts/${c.id}/answer-options`)).json() as Json;
      const subject = o.defaults.reply.subject as string;
      const r = await alice.post(`/api/v1/contacts/${c.id}/answers`, { mode: 'reply', from: support.address, to: [customer.address], cc: [], bcc: [blind.address], subject, html: '<p>Quietly</p>', quote: 'none' });
      expect(r.statusCode).toBe(201);
      const a = (r.json() as Json).answer;
      expect(a.bcc).toEqual([blind.address]);
      await waitState(a.id, 'sent');
      const atCustomer = await waitForMail(customer, subject);
      const atBlind = await waitForMail(blind, subject);
      expect(atBlind.messageId).toBe(a.messageId);
      expect(atCustomer.headers.has('bcc')).toBe(false);
      expect(atBlind.headers.has('bcc')).toBe(false);
      const copy = await waitForMail(support, subject, 'Sent');
      expect(copy.messageId).toBe(a.messageId);
      expect((copy.bcc && !Array.isArray(copy.bcc) ? copy.bcc.value : []).map((x) => x.address)).toEqual([blind.address]);
      expect(copy.text).toContain('Quietly');
    });

    it('a recipient the relay refuses while it accepts the others: sent, with the refused address named to the agent', async () => {
      const c = await contactFrom(plain('Copy to a missing colleague').raw);
      const o = (await alice.get(`/api/v1/contacts/${c.id}/answer-options`)).json() as Json;
      const subject = o.defaults.reply.subject as string;
      const missing = `nobody-${Date.now()}@${customer.address.split('@')[1]}`;
      const r = await alice.post(`/api/v1/contacts/${c.id}/answers`, { mode: 'reply', from: support.address, to: [customer.address], cc: [missing], bcc: [], subject, html: '<p>Partly</p>', quote: 'none' });
      expect(r.statusCode).toBe(201);
      const a = (r.json() as Json).answer;
      const sent = await waitState(a.id, 'sent');
      expect(sent.reason).toContain(`refused ${missing}`);
      expect(sent.reason).toMatch(/550|5\.1\.1/);
      expect((await waitForMail(customer, subject)).messageId).toBe(a.messageId);
    });

    it('forwards with the original attachment and its cid: image, plus an upload; refuses an upload over the limit', async () => {
      const id = `<fw${++seq}.${Date.now()}@customer.example>`;
      const c = await contactFrom(Buffer.from([
        `From: "Kim Kund" <${customer.address}>`, `To: ${support.address}`, 'Subject: Invoice attached', `Message-ID: ${id}`, 'Date: Mon, 30 Nov 2026 08:00:00 +0000',
        'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="outer"', '',
        '--outer', 'Content-Type: multipart/related; boundary="rel"', '',
        '--rel', 'Content-Type: text/html; charset=utf-8', '', '<p>See the logo <img src="cid:logo@customer.example"> and the invoice.</p><script>alert(1)</script>', '',
        '--rel', 'Content-Type: image/png', 'Content-Transfer-Encoding: base64', 'Content-ID: <logo@customer.example>', 'Content-Disposition: inline; filename="logo.png"', '', PNG.toString('base64'), '--rel--', '',
        '--outer', 'Content-Type: application/pdf; name="invoice.pdf"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="invoice.pdf"', '', PDF.toString('base64'), '--outer--', '',
      ].join('\r\n')));
      const tooBig = await alice.inject({ method: 'POST', url: `/api/v1/contacts/${c.id}/uploads?filename=big.bin`, headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(65 * 1024) });
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.json()).toMatchObject({ error: { code: 'upload.too_large' } });
      const up = await alice.inject({ method: 'POST', url: `/api/v1/contacts/${c.id}/uploads?filename=${encodeURIComponent('notes ö.txt')}`, headers: { 'content-type': 'text/plain' }, payload: Buffer.from('agent notes') });
      expect(up.statusCode).toBe(201);
      const upload = up.json() as Json;
      expect(upload).toMatchObject({ filename: 'notes ö.txt', contentType: 'text/plain', size: 11 });
      expect((await bob.inject({ method: 'POST', url: `/api/v1/contacts/${c.id}/uploads`, headers: { 'content-type': 'text/plain' }, payload: 'x' })).json()).toMatchObject({ error: { code: 'contact.not_held' } });
      const r = await alice.post(`/api/v1/contacts/${c.id}/answers`, {
        mode: 'forward', from: support.address, to: [colleague.address], subject: `Fwd: Invoice attached [#${c.case_number}]`, html: '<p>Please check this invoice.</p>', attachmentIds: [upload.id],
      });
      expect(r.statusCode).toBe(201);
      const a = (r.json() as Json).answer;
      await waitState(a.id, 'sent');
      const got = await waitForMail(colleague, `Fwd: Invoice attached [#${c.case_number}]`);
      expect(got.text).toContain('Please check this invoice.');
      expect(got.text).toContain('Forwarded message');
      expect(got.html).toContain('src="cid:logo@customer.example"');
      expect(got.html).not.toContain('<script');
      const byName = new Map(got.attachments.map((x) => [x.filename, x]));
      expect(byName.get('invoice.pdf')?.content.equals(PDF)).toBe(true);
      expect(byName.get('logo.png')?.content.equals(PNG)).toBe(true);
      expect(byName.get('logo.png')?.cid).toBe('logo@customer.example');
      expect(byName.get('notes ö.txt')?.content.toString()).toBe('agent notes');
      expect((await alice.delete(`/api/v1/uploads/${upload.id}`)).json()).toMatchObject({ error: { code: 'upload.sent' } });
      expect(((await alice.get(`/api/v1/contacts/${c.id}/uploads`)).json() as Json).uploads).toEqual([expect.objectContaining({ id: upload.id, answerId: a.id })]);
      const dl = await alice.get(`/api/v1/uploads/${upload.id}`);
      expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
      expect(dl.body).toBe('agent notes');
      expect((await bob.get(`/api/v1/uploads/${upload.id}`)).statusCode).toBe(404);
    });

    it('refuses a bad From, no recipients, an invalid recipient, and a contact the agent does not hold', async () => {
      const c = await contactFrom(plain('Refusals').raw);
      const base = { mode: 'reply', from: support.address, to: [customer.address], subject: 'Re: Refusals', html: '<p>x</p>' };
      expect((await alice.post(`/api/v1/contacts/${c.id}/answers`, { ...base, from: 'ceo@example.test' })).json()).toMatchObject({ error: { code: 'answer.from_not_allowed' } });
      expect((await alice.post(`/api/v1/contacts/${c.id}/answers`, { ...base, from: sales })).statusCode).toBe(422); // another entrance's address the customer did not write to first
      const empty = await alice.post(`/api/v1/contacts/${c.id}/answers`, { ...base, to: [] });
      expect(empty.statusCode).toBe(422);
      expect(empty.json()).toMatchObject({ error: { code: 'answer.recipients_empty' } });
      const invalid = await alice.post(`/api/v1/contacts/${c.id}/answers`, { ...base, to: ['not an address', customer.address] });
      expect(invalid.json()).toMatchObject({ error: { code: 'answer.recipient_invalid', details: [{ path: 'body.to.0' }] } });
      expect((await bob.post(`/api/v1/contacts/${c.id}/answers`, base)).json()).toMatchObject({ error: { code: 'contact.not_held' } });
      expect((await bob.post(`/api/v1/contacts/${c.id}/answers`, base)).statusCode).toBe(403);
      expect((await sue.post(`/api/v1/contacts/${c.id}/answers`, base)).statusCode).toBe(403);
      expect((await alice.post(`/api/v1/contacts/${c.id}/answers`)).json()).toMatchObject({ error: { code: 'answer.no_draft' } });
      expect(await deps.storage.db.selectFrom('outbox').select('id').where('contact_id', '=', c.id).execute()).toEqual([]);
    });

    it('keeps drafts on the server with versions; sends the saved draft', async () => {
      const c = await contactFrom(plain('Draft me').raw);
      expect((await alice.get(`/api/v1/contacts/${c.id}/draft`)).json()).toEqual({ draft: null });
      const d = { mode: 'reply', from: support.address, to: [customer.address], cc: [], bcc: [], subject: 'Re: Draft me', html: '<p>first</p>', quote: 'none', attachmentIds: [] };
      const v1 = (await alice.put(`/api/v1/contacts/${c.id}/draft`, d)).json() as Json;
      expect(v1.draft).toMatchObject({ ...d, version: 1 });
      const v2 = await alice.put(`/api/v1/contacts/${c.id}/draft`, { ...d, html: '<p>second</p>', baseVersion: 1 });
      expect((v2.json() as Json).draft).toMatchObject({ html: '<p>second</p>', version: 2 });
      const stale = await alice.put(`/api/v1/contacts/${c.id}/draft`, { ...d, html: '<p>other device</p>', baseVersion: 1 });
      expect(stale.statusCode).toBe(409);
      expect(stale.json()).toMatchObject({ error: { code: 'draft.conflict' } });
      // another session (device) of the same agent sees it
      const alice2 = authed(app, await login(app, 'alice', 'alice-password'));
      expect(((await alice2.get(`/api/v1/contacts/${c.id}/draft`)).json() as Json).draft).toMatchObject({ html: '<p>second</p>', version: 2 });
      expect((await bob.put(`/api/v1/contacts/${c.id}/draft`, d)).statusCode).toBe(403);
      expect(((await sue.get(`/api/v1/contacts/${c.id}/draft`)).json() as Json).draft).toMatchObject({ version: 2 }); // supervisors read the holder's draft
      const both = await Promise.all([alice.post(`/api/v1/contacts/${c.id}/answers`, {}), alice.post(`/api/v1/contacts/${c.id}/answers`, {})]);
      const sent = both.find((r) => r.statusCode === 201)!; // a double click sends once
      expect(both.filter((r) => r.statusCode === 201)).toHaveLength(1);
      expect(['answer.draft_changed', 'answer.no_draft']).toContain((both.find((r) => r !== sent)!.json() as Json).error.code);
      expect(await deps.storage.db.selectFrom('answers').select('id').where('contact_id', '=', c.id).execute()).toHaveLength(1);
      expect((await alice.get(`/api/v1/contacts/${c.id}/draft`)).json()).toEqual({ draft: null });
      await waitState((sent.json() as Json).answer.id, 'sent');
      const got = await waitForMail(customer, 'Re: Draft me');
      expect(got.text).toContain('second');
    });

    it('an answer from the address the customer wrote to counts for that entrance; answer.state is pushed with its event id', async () => {
      const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws');
      const socket = await connect(`${base}/api/v1/events?token=${encodeURIComponent(aliceToken)}`);
      try {
        const c = await contactFrom(Buffer.from([
          `From: ${customer.address}`, `To: ${sales}`, 'Subject: For sales', `Message-ID: <s${++seq}.${Date.now()}@customer.example>`,
          'Date: Mon, 30 Nov 2026 08:00:00 +0000', 'Content-Type: text/plain; charset=utf-8', '', 'Price list?', '',
        ].join('\r\n')));
        const o = (await alice.get(`/api/v1/contacts/${c.id}/answer-options`)).json() as Json;
        expect(o.fromAddresses).toEqual([support.address, sales, 'bb-help@example.test', 'zz-help@example.test']);
        const salesEntrance = o.from[1].entranceId;
        expect(salesEntrance).not.toBe(entranceId);
        const r = await alice.post(`/api/v1/contacts/${c.id}/answers`, { mode: 'reply', from: sales, to: o.defaults.reply.to, subject: o.defaults.reply.subject, html: '<p>Attached soon</p>' });
        const a = (r.json() as Json).answer;
        expect(a.entranceId).toBe(salesEntrance);
        await waitState(a.id, 'sent');
        const got = await waitForMail(customer, o.defaults.reply.subject);
        expect(got.from?.value[0].address).toBe(sales);
        expect(got.text).not.toContain('Kind regards'); // the sales entrance has no signature
        const conv = (await alice.get(`/api/v1/contacts/${c.id}/conversation`)).json() as Json;
        expect(conv.messages[1]).toMatchObject({ direction: 'out', entranceId: salesEntrance, state: 'sent' });
        // No IMAP login for the sales account: no Sent copy is attempted.
        expect(await deps.storage.db.selectFrom('outbox').select('kind').where('contact_id', '=', c.id).execute()).toEqual([{ kind: 'reply' }]);
        await socket.next((e) => (e as Json).answerId === a.id && (e as Json).state === 'sent', 'answer.state sent on the event socket');
        const mine = socket.events.filter((e) => (e as Json).answerId === a.id) as Json[];
        const logged = await deps.storage.db.selectFrom('events').select(['id', 'data']).where('type', '=', 'answer.state').where('contact_id', '=', c.id).orderBy('id').execute();
        expect(mine.map((p) => [p.id, p.state])).toEqual(logged.map((e) => [Number(e.id), JSON.parse(e.data).state]));
        expect(mine[1]).toMatchObject({ type: 'answer.state', answerId: a.id, contactId: c.id, agentId: aliceId, state: 'sent' });
      } finally { socket.ws.close(); }
    });

    it('an SMTP failure shows as retrying with the reason and can still be taken back; a failing Sent append is retried without a second send', async () => {
      const c = await contactFrom(plain('Retry me').raw);
      const bad = await createSmtpServer(deps.storage.db, { name: `closed-${dialect}`, host: '127.0.0.1', port: 1, security: 'none', auth: null }, Date.now());
      if (!bad.ok) throw new Error(bad.message);
      const good = (await deps.storage.db.selectFrom('accounts').select('smtp_server_id').where('id', '=', accountId).executeTakeFirstOrThrow()).smtp_server_id;
      await deps.storage.db.updateTable('accounts').set({ smtp_server_id: bad.server.id }).where('id', '=', accountId).execute();
      try {
        const r = await alice.post(`/api/v1/contacts/${c.id}/answers`, { mode: 'reply', from: support.address, to: [customer.address], subject: 'Re: Retry me', html: '<p>x</p>' });
        const a = (r.json() as Json).answer;
        const retrying = await waitState(a.id, 'retrying');
        expect(retrying.reason).toMatch(/^temporary: .*ECONNREFUSED/);
        expect((await alice.post(`/api/v1/answers/${a.id}/undo`)).json()).toMatchObject({ answer: { state: 'cancelled' } });
      } finally {
        await deps.storage.db.updateTable('accounts').set({ smtp_server_id: good }).where('id', '=', accountId).execute();
      }
      // The Sent folder is missing: the SMTP send happens once, the append is retried until the folder is fixed.
      await deps.storage.db.updateTable('accounts').set({ sent_folder: 'Missing' }).where('id', '=', accountId).execute();
      const r2 = await alice.post(`/api/v1/contacts/${c.id}/answers`, { mode: 'reply', from: support.address, to: [customer.address], subject: 'Re: Retry me', html: '<p>second try</p>' });
      const a2 = (r2.json() as Json).answer;
      await waitState(a2.id, 'sent');
      const copyRow = () => deps.storage.db.selectFrom('outbox').selectAll().where('kind', '=', 'sent_copy').where('contact_id', '=', c.id).executeTakeFirst();
      await waitFor(async () => ((await copyRow())?.attempts ?? 0) >= 1 && (await copyRow())?.status === 'pending', 10_000, 'append failed once');
      expect((await copyRow())?.last_error).toMatch(/Missing|NONEXISTENT|exist/i);
      await deps.storage.db.updateTable('accounts').set({ sent_folder: 'Sent' }).where('id', '=', accountId).execute();
      await deps.storage.db.updateTable('outbox').set({ next_attempt_at: Date.now() }).where('kind', '=', 'sent_copy').where('contact_id', '=', c.id).execute();
      await deps.bus.publish('outbox');
      await waitFor(async () => (await copyRow())?.status === 'sent', 15_000, 'append retried');
      const subject = `Re: Retry me [#${c.case_number}]`;
      expect((await mailsIn(support, 'Sent')).filter((m) => m.messageId === a2.messageId)).toHaveLength(1);
      await waitForMail(customer, subject);
      expect((await mailsIn(customer)).filter((m) => m.subject === subject).map((m) => m.text?.split('\n')[0])).toEqual(['second try']);
      const reply = await deps.storage.db.selectFrom('outbox').select(['status', 'attempts']).where('kind', '=', 'reply').where('contact_id', '=', c.id).orderBy('id').execute();
      expect(reply).toEqual([{ status: 'cancelled', attempts: 1 }, { status: 'sent', attempts: 1 }]);
    });

    it('shows automatic answers in the conversation; refuses an answer over the account\'s size limit', async () => {
      const adm = authed(app, await login(app, 'admin', 'admin-password'));
      const t = (await adm.post('/api/v1/answer-templates', { name: `Ack ${dialect}`, defaultLanguage: 'en', versions: { en: { subject: 'We got your mail', body: 'Thanks, we will answer soon.' } } })).json() as Json;
      expect((await adm.put(`/api/v1/entrances/${entranceId}/auto-answer`, { mode: 'always', templateId: t.id })).statusCode).toBe(200);
      let c: Json;
      try { c = await contactFrom(plain('Auto acknowledged').raw); } finally { await adm.put(`/api/v1/entrances/${entranceId}/auto-answer`, { mode: 'never' }); }
      const conv = await waitFor(async () => {
        const r = (await alice.get(`/api/v1/contacts/${c.id}/conversation`)).json() as Json;
        return r.messages?.[1]?.state === 'sent' ? r : null;
      }, 15_000, 'automatic answer sent');
      expect(conv.messages.map((m: Json) => [m.direction, m.kind])).toEqual([['in', 'mail'], ['out', 'automatic-answer']]);
      expect(conv.messages[1]).toMatchObject({ from: support.address, to: [customer.address], subject: `Re: We got your mail [#${c.case_number}]` });
      expect(conv.messages[1].text).toContain('Thanks, we will answer soon.');

      expect((await adm.put(`/api/v1/accounts/${accountId}/size-limit`, { maxMessageBytes: 2048 })).statusCode).toBe(200);
      try {
        const big = await alice.post(`/api/v1/contacts/${c.id}/answers`, { mode: 'reply', from: support.address, to: [customer.address], subject: 'Re: big', html: `<p>${'x'.repeat(4000)}</p>` });
        expect(big.statusCode).toBe(413);
        expect(big.json()).toMatchObject({ error: { code: 'answer.too_large' } });
      } finally { await adm.put(`/api/v1/accounts/${accountId}/size-limit`, { maxMessageBytes: 25 * 1024 * 1024 }); }
    });

    it('undo before it leaves cancels it and restores the draft; undo after it left is 409', async () => {
      deps.config.answers.undoSendSeconds = 30;
      try {
        const c = await contactFrom(plain('Undo me').raw);
        const body = { mode: 'reply', from: support.address, to: [customer.address], subject: 'Re: Undo me', html: '<p>oops</p>', quote: 'none' };
        const r = await alice.post(`/api/v1/contacts/${c.id}/answers`, body);
        const a = (r.json() as Json).answer;
        expect(a.state).toBe('scheduled');
        expect(Date.parse(a.undoUntil) - Date.now()).toBeGreaterThan(20_000);
        expect((await bob.post(`/api/v1/answers/${a.id}/undo`)).statusCode).toBe(403);
        const undone = await alice.post(`/api/v1/answers/${a.id}/undo`);
        expect(undone.statusCode).toBe(200);
        expect(undone.json()).toMatchObject({ answer: { id: a.id, state: 'cancelled' }, draft: { html: '<p>oops</p>', to: [customer.address], subject: 'Re: Undo me' } });
        expect((await alice.post(`/api/v1/answers/${a.id}/undo`)).json()).toMatchObject({ error: { code: 'answer.already_cancelled' } });
        expect(((await alice.get(`/api/v1/contacts/${c.id}/draft`)).json() as Json).draft).toMatchObject({ html: '<p>oops</p>' });
        const ob = await deps.storage.db.selectFrom('outbox').select(['status', 'attempts']).where('contact_id', '=', c.id).executeTakeFirstOrThrow();
        expect(ob).toEqual({ status: 'cancelled', attempts: 0 });
        const conv = (await alice.get(`/api/v1/contacts/${c.id}/conversation`)).json() as Json;
        expect(conv.messages.map((m: Json) => m.direction)).toEqual(['in']);

        deps.config.answers.undoSendSeconds = 0;
        const again = (await alice.post(`/api/v1/contacts/${c.id}/answers`, {})).json() as Json; // the restored draft
        await waitState(again.answer.id, 'sent');
        expect((await alice.post(`/api/v1/answers/${again.answer.id}/undo`)).json()).toMatchObject({ error: { code: 'answer.already_sent' } });
        expect((await mailsIn(customer)).filter((m) => m.subject === `Re: Undo me [#${c.case_number}]`)).toHaveLength(1);
      } finally { deps.config.answers.undoSendSeconds = 0; }
    });
  });
}

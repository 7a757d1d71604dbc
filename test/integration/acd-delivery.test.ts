import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { freshMailbox, imapClient, MAIL, waitFor } from '../support/mailstack.js';
import { createAccount, createSmtpServer } from '../../src/storage/repositories/accounts.js';
import { createUser } from '../../src/storage/repositories/users.js';
import { storeInbound, claimInbound } from '../../src/storage/repositories/inbound.js';
import { processInbound } from '../../src/roles/email-server/pipeline.js';
import { submitAcdEvent } from '../../src/roles/acd/engine.js';
import { startDelivery } from '../../src/roles/delivery/index.js';
import { startAcd } from '../../src/roles/acd/index.js';
import type { AcdEffect } from '../../src/core/acd/types.js';

const raw = (id: string) => Buffer.from([
  'From: "Customer" <customer@example.org>', 'Reply-To: replies@example.org', 'To: support@example.test', 'Subject: Where is my order?',
  `Message-ID: <${id}>`, 'Date: Fri, 27 Nov 2026 09:00:00 +0000', 'Content-Type: text/plain; charset=utf-8', '', 'Order 1234 has not arrived.', '',
].join('\r\n'));

for (const dialect of BACKENDS) {
  describe(`queue engine and delivery (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let accountId: string;
    let agentMailbox: { address: string; password: string };
    let bob: string;
    let alice: string;
    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      agentMailbox = freshMailbox('agent');
      const now = Date.now();
      const smtp = await createSmtpServer(deps.storage.db, { name: 'postfix', host: MAIL.host, port: MAIL.smtpPort, security: 'none', auth: null }, now);
      if (!smtp.ok) throw new Error(smtp.message);
      const acct = await createAccount(deps.storage.db, {
        address: 'support@example.test', protocol: 'smtp', host: '127.0.0.1', port: 0, security: 'none', username: null, passwordSealed: null, mailbox: 'INBOX',
        afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: smtp.server.id, returnAddress: 'support@example.test', alternativeAddresses: [], enabled: true,
      }, now);
      if (!acct.ok) throw new Error(acct.message);
      accountId = acct.account.id;
      const b = await createUser(deps.storage.db, { username: 'bob', displayName: 'Bob', passwordHash: 'x', role: 'agent', email: agentMailbox.address }, now);
      const a = await createUser(deps.storage.db, { username: 'alice', displayName: 'Alice', passwordHash: 'x', role: 'agent' }, now);
      if (!b.ok || !a.ok) throw new Error('users');
      bob = b.user.id; alice = a.user.id;
    });
    afterAll(async () => { await deps?.close(); await tdb?.drop(); });

    async function newContact(id: string): Promise<string> {
      await storeInbound(deps.storage, { accountId, uidvalidity: null, uid: null, raw: raw(id), sourceAction: 'none' }, Date.now());
      const [m] = await claimInbound(deps.storage, 'test', 1, Date.now(), 60_000);
      const out = await processInbound(deps, m);
      if (out.kind !== 'contact') throw new Error(out.kind);
      return out.contactId;
    }
    const offerFor = (effects: AcdEffect[]) => effects.flatMap((e) => (e.type === 'offer.created' ? [e.offer] : []))[0];

    it('external-client agent: accept → redirect through the outbox and Postfix into the agent\'s own mailbox', async () => {
      const contactId = await newContact(`redirect-${dialect}-${Date.now()}@example.org`);
      const ready = await submitAcdEvent(deps, { type: 'agent.setState', agentId: bob, state: 'ready' });
      if (!ready.ok) throw new Error(ready.message);
      const offer = offerFor(ready.effects);
      expect(offer).toMatchObject({ contactId, agentId: bob });
      const accepted = await submitAcdEvent(deps, { type: 'offer.accept', offerId: offer.id, agentId: bob });
      expect(accepted.ok).toBe(true);
      const row = await deps.storage.db.selectFrom('outbox').selectAll().where('contact_id', '=', contactId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ kind: 'redirect', status: 'pending', envelope_from: 'support@example.test' });
      const stop = await startDelivery(deps, { sweepMs: 200 });
      try {
        await waitFor(async () => (await deps.storage.db.selectFrom('outbox').select('status').where('id', '=', row.id).executeTakeFirst())?.status === 'sent', 20_000, 'outbox sent');
        const client = imapClient(agentMailbox.address, agentMailbox.password);
        await client.connect();
        try {
          const source = await waitFor(async () => {
            const lock = await client.getMailboxLock('INBOX');
            await client.noop(); // see mail delivered since the mailbox was selected
            try {
              for await (const m of client.fetch('1:*', { source: true })) if (m.source?.toString().includes(contactId)) return m.source.toString();
            } finally { lock.release(); }
            return null;
          }, 20_000, 'redirected copy in the agent mailbox', 200);
          expect(source).toMatch(/^From: "Customer" <customer@example.org>/m);
          expect(source).toMatch(/^Reply-To: replies@example.org/m);
          expect(source).toMatch(/^Message-ID: <redirect-/m);
          expect(source).toMatch(new RegExp(`^Resent-To: <${agentMailbox.address}>`, 'm'));
          expect(source).toMatch(/^Resent-From: <support@example.test>/m);
          expect(source).toMatch(new RegExp(`^X-Switchyard-Contact-Id: ${contactId}`, 'm'));
        } finally { await client.logout(); }
      } finally { await stop(); }
      const closed = await submitAcdEvent(deps, { type: 'contact.close', contactId, agentId: bob });
      expect(closed.ok).toBe(true);
      const c = await deps.storage.db.selectFrom('contacts').select(['status', 'closed_at']).where('id', '=', contactId).executeTakeFirstOrThrow();
      expect(c.status).toBe('closed');
      await submitAcdEvent(deps, { type: 'agent.setState', agentId: bob, state: 'paused' });
    });

    it('built-in agent: no redirect is queued; a missed offer returns the contact with its queue time and pauses the agent', async () => {
      const contactId = await newContact(`builtin-${dialect}-${Date.now()}@example.org`);
      const before = await deps.storage.db.selectFrom('contacts').select('queued_at').where('id', '=', contactId).executeTakeFirstOrThrow();
      let now = Date.now();
      const clockDeps = { ...deps, clock: () => now };
      const ready = await submitAcdEvent(clockDeps, { type: 'agent.setState', agentId: alice, state: 'ready' });
      if (!ready.ok) throw new Error(ready.message);
      const offer = offerFor(ready.effects);
      expect(offer.agentId).toBe(alice);
      now += deps.config.offerTimeoutSeconds * 1000;
      const tick = await submitAcdEvent(clockDeps, { type: 'tick' });
      if (!tick.ok) throw new Error(tick.message);
      expect(tick.effects).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'offer.withdrawn', reason: 'expired' })]));
      const agent = await deps.storage.db.selectFrom('agent_states').selectAll().where('user_id', '=', alice).executeTakeFirstOrThrow();
      expect(agent).toMatchObject({ state: 'paused', pause_reason: 'missed offer' });
      const c = await deps.storage.db.selectFrom('contacts').select(['status', 'queued_at']).where('id', '=', contactId).executeTakeFirstOrThrow();
      expect(c).toEqual({ status: 'queued', queued_at: before.queued_at });
      const o = await deps.storage.db.selectFrom('offers').select('status').where('id', '=', offer.id).executeTakeFirstOrThrow();
      expect(o.status).toBe('expired');
      // accept again once ready: now assigned, and nothing goes to the outbox for a built-in agent
      const again = await submitAcdEvent(clockDeps, { type: 'agent.setState', agentId: alice, state: 'ready' });
      if (!again.ok) throw new Error(again.message);
      const second = offerFor(again.effects);
      expect((await submitAcdEvent(clockDeps, { type: 'offer.accept', offerId: second.id, agentId: alice })).ok).toBe(true);
      expect(await deps.storage.db.selectFrom('outbox').select('id').where('contact_id', '=', contactId).execute()).toEqual([]);
      const log = await deps.storage.db.selectFrom('events').select('type').where('contact_id', '=', contactId).orderBy('id').execute();
      const offerLog = log.map((e) => e.type).filter((t) => /^(offer|contact)\.(created|withdrawn|requeued|accepted|assigned)$/.test(t));
      expect(offerLog).toEqual(['contact.created', 'offer.created', 'offer.withdrawn', 'contact.requeued', 'offer.created', 'offer.accepted', 'contact.assigned']);
    });

    it('the ACD role offers newly queued contacts on its own', async () => {
      const stop = await startAcd(deps, { sweepMs: 100 });
      try {
        await submitAcdEvent(deps, { type: 'contact.close', contactId: 'none', agentId: alice }); // rejected, harmless
        const contactId = await newContact(`role-${dialect}-${Date.now()}@example.org`);
        await submitAcdEvent(deps, { type: 'agent.setState', agentId: bob, state: 'ready' });
        await deps.bus.publish('acd');
        await waitFor(async () => (await deps.storage.db.selectFrom('contacts').select('status').where('id', '=', contactId).executeTakeFirst())?.status === 'offered', 10_000, 'offer');
      } finally { await stop(); }
    });
  });
}

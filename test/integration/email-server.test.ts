import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { corpusAbsentMessage, corpusEntries } from '../support/corpus.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import { claimInbound, storeInbound } from '../../src/storage/repositories/inbound.js';
import { processBatch, processInbound } from '../../src/roles/email-server/pipeline.js';
import { createParsePool } from '../../src/roles/email-server/parse-pool.js';
import { parseAndAnalyse, parseChunk } from '../../src/roles/email-server/parse-analyse.js';
import { loadContacts } from '../../src/roles/acd/snapshot.js';
import type { Deps } from '../../src/app/deps.js';

const mail = (id: string | null, subject: string, body = 'Hello, I need help.') => Buffer.from([
  'From: "Kund Ett" <kund@example.org>', 'To: support@example.test', `Subject: ${subject}`, 'Date: Fri, 27 Nov 2026 10:00:00 +0000',
  ...(id ? [`Message-ID: <${id}>`] : []), 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"', '',
  '--b1', 'Content-Type: text/plain; charset=utf-8', '', body, '--b1',
  'Content-Type: application/pdf; name="invoice.pdf"', 'Content-Disposition: attachment; filename="invoice.pdf"', 'Content-Transfer-Encoding: base64', '',
  Buffer.from('%PDF-1.4 test').toString('base64'), '--b1--', '',
].join('\r\n'));

async function drain(deps: Deps): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (;;) {
    const batch = await claimInbound(deps.storage, deps.config.instanceId, 100, Date.now(), 60_000);
    if (batch.length === 0) return counts;
    for (const m of batch) { const out = await processInbound(deps, m); counts[out.kind] = (counts[out.kind] ?? 0) + 1; }
  }
}

for (const dialect of BACKENDS) {
  describe(`email server pipeline (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let accountId: string;
    let entranceId: string;
    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      const r = await createAccount(deps.storage.db, {
        address: 'support@example.test', protocol: 'smtp', host: '127.0.0.1', port: 0, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!r.ok) throw new Error(r.message);
      accountId = r.account.id;
      entranceId = r.entranceId;
    });
    afterAll(async () => { await deps?.close(); await tdb?.drop(); });

    it('turns a stored message into one queued contact with its contact data', async () => {
      await storeInbound(deps.storage, { accountId, uidvalidity: 7, uid: 1, raw: mail('one@example.org', 'Invoice wrong'), sourceAction: 'pending' }, Date.now());
      expect(await drain(deps)).toEqual({ contact: 1 });
      const c = await deps.storage.db.selectFrom('contacts').selectAll().where('message_id', '=', '<one@example.org>').executeTakeFirstOrThrow();
      expect(c).toMatchObject({ entrance_id: entranceId, status: 'queued', subject: 'Invoice wrong', from_address: 'kund@example.org', from_name: 'Kund Ett' });
      expect(JSON.parse(c.to_addresses)).toEqual([{ address: 'support@example.test', name: '' }]);
      expect(c.text_body).toContain('I need help');
      expect(JSON.parse(c.attachments)).toEqual([expect.objectContaining({ index: 0, filename: 'invoice.pdf', contentType: 'application/pdf', size: 13 })]);
      expect(JSON.parse(c.contact_data)).toMatchObject({ entrance: 'support@example.test', emailHdrSubject: 'Invoice wrong' });
    });

    it('hands the new contact to the queue engine as the very record the engine would load, and dedupes by header before parsing', async () => {
      const stored = await storeInbound(deps.storage, { accountId, uidvalidity: 7, uid: 90, raw: mail('handoff@example.org', 'Hand me over'), sourceAction: 'none' }, Date.now());
      const [msg] = await claimInbound(deps.storage, deps.config.instanceId, 100, Date.now(), 60_000);
      expect(msg.id).toBe(stored.id);
      const out = await processInbound(deps, msg);
      if (out.kind !== 'contact' || !out.handOff) throw new Error(`expected a new contact, got ${JSON.stringify(out)}`);
      expect([out.handOff]).toEqual(await loadContacts(deps.storage.db, (q) => q.where('id', '=', out.contactId)));
      // The same Message-ID again: recorded as a duplicate from its header alone (a body that cannot be parsed is never read).
      const again = Buffer.concat([mail('handoff@example.org', 'Hand me over').subarray(0, 400), Buffer.from('\r\n--broken')]);
      await storeInbound(deps.storage, { accountId, uidvalidity: 7, uid: 91, raw: again, sourceAction: 'none' }, Date.now());
      let parsed = 0;
      const [dup] = await claimInbound(deps.storage, deps.config.instanceId, 100, Date.now(), 60_000);
      expect(await processInbound(deps, dup, { runBatch: async (job) => { parsed += job.raws.length; return parseChunk(job); } })).toEqual({ kind: 'duplicate', contactId: out.contactId });
      expect(parsed).toBe(0);
    });

    it('storing the same source message twice is a no-op; the same Message-ID under another UID is a recorded duplicate', async () => {
      const again = await storeInbound(deps.storage, { accountId, uidvalidity: 7, uid: 1, raw: mail('one@example.org', 'Invoice wrong'), sourceAction: 'pending' }, Date.now());
      expect(again.stored).toBe(false);
      await storeInbound(deps.storage, { accountId, uidvalidity: 8, uid: 1, raw: mail('one@example.org', 'Invoice wrong'), sourceAction: 'pending' }, Date.now());
      expect(await drain(deps)).toEqual({ duplicate: 1 });
      const dup = await deps.storage.db.selectFrom('inbound_messages').select(['status', 'error']).where('uidvalidity', '=', 8).executeTakeFirstOrThrow();
      expect(dup.status).toBe('duplicate');
      expect(dup.error).toMatch(/duplicate of contact/);
      expect(await deps.storage.db.selectFrom('contacts').select('id').where('message_id', '=', '<one@example.org>').execute()).toHaveLength(1);
    });

    it('messages without a Message-ID get a derived key: the same mail twice is one contact, different mails are two', async () => {
      await storeInbound(deps.storage, { accountId, uidvalidity: 7, uid: 2, raw: mail(null, 'No id A'), sourceAction: 'pending' }, Date.now());
      await storeInbound(deps.storage, { accountId, uidvalidity: 7, uid: 3, raw: mail(null, 'No id A'), sourceAction: 'pending' }, Date.now());
      await storeInbound(deps.storage, { accountId, uidvalidity: 7, uid: 4, raw: mail(null, 'No id B'), sourceAction: 'pending' }, Date.now());
      expect(await drain(deps)).toEqual({ contact: 2, duplicate: 1 });
    });

    it('a message that cannot become a contact is quarantined with its reason and its raw message kept', async () => {
      // An account whose entrance was removed: the pipeline cannot place the mail.
      const orphan = await createAccount(deps.storage.db, {
        address: 'orphan@example.test', protocol: 'smtp', host: '127.0.0.1', port: 0, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!orphan.ok) throw new Error(orphan.message);
      await deps.storage.db.updateTable('entrances').set({ account_id: null }).where('id', '=', orphan.entranceId).execute();
      const raw = mail('orphan@example.org', 'Lost?');
      const stored = await storeInbound(deps.storage, { accountId: orphan.account.id, uidvalidity: null, uid: null, raw, sourceAction: 'none' }, Date.now());
      expect(await drain(deps)).toEqual({ quarantined: 1 });
      const q = await deps.storage.db.selectFrom('quarantine').selectAll().where('inbound_message_id', '=', stored.id!).executeTakeFirstOrThrow();
      expect(q.reason_code).toBe('entrance.missing');
      const kept = await deps.storage.db.selectFrom('inbound_messages').innerJoin('inbound_raw', 'inbound_raw.inbound_message_id', 'inbound_messages.id')
        .select(['inbound_raw.raw', 'status']).where('id', '=', stored.id!).executeTakeFirstOrThrow();
      expect(kept.status).toBe('quarantined');
      expect(Buffer.compare(kept.raw, raw)).toBe(0);
    });

    it('a failing quarantine write is retried later, never an escape from the pipeline that aborts the batch', async () => {
      const orphan = await createAccount(deps.storage.db, {
        address: 'orphan2@example.test', protocol: 'smtp', host: '127.0.0.1', port: 0, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!orphan.ok) throw new Error(orphan.message);
      await deps.storage.db.updateTable('entrances').set({ account_id: null }).where('id', '=', orphan.entranceId).execute();
      const stored = await storeInbound(deps.storage, { accountId: orphan.account.id, uidvalidity: null, uid: null, raw: mail('orphan2@example.org', 'Lost too?'), sourceAction: 'none' }, Date.now());
      // The database refuses the quarantine transaction once (a dropped connection, a full disk).
      let refusals = 1;
      const flaky: Deps = { ...deps, storage: { ...deps.storage, transaction: (fn, lock) => (refusals-- > 0 ? Promise.reject(new Error('connection lost')) : deps.storage.transaction(fn, lock)) } };
      const [msg] = await claimInbound(deps.storage, deps.config.instanceId, 100, Date.now(), 60_000);
      expect(msg.id).toBe(stored.id);
      await expect(processInbound(flaky, msg)).resolves.toEqual({ kind: 'retry', error: 'connection lost' });
      expect((await deps.storage.db.selectFrom('inbound_messages').select('status').where('id', '=', stored.id!).executeTakeFirstOrThrow()).status).toBe('stored');
      expect(await drain(deps)).toEqual({ quarantined: 1 });
    });

    it('a batch is parsed in the worker pool a chunk per thread, with the same results as one by one; a message that throws fails alone', async () => {
      const pool = createParsePool({ threads: 2 });
      try {
        // The built worker (npm test builds first); without it the pool runs inline, which this test would not cover.
        expect(pool.threads).toBe(2);
        const raws = [mail('pool-1@example.org', 'Invoice wrong'), mail('pool-2@example.org', 'Ärende om faktura', 'Hej, jag behöver hjälp med min faktura.'),
          Buffer.from('not a mail at all\r\n'), mail(null, 'No id'), mail('pool-5@example.org', 'Fifth')];
        const config = { version: 1, categories: [], patterns: [], languageMinLength: 40 };
        const batch = await pool.runBatch({ raws, config, now: 1_000 });
        const single = await Promise.all(raws.map((raw) => parseAndAnalyse({ raw, config, now: 1_000 })));
        expect(batch).toEqual(single);
        // Through the pipeline: the second message's parse throws (a bug, not bad input): it is retried, the others go on.
        const stored: { id: number | null }[] = [];
        for (let i = 0; i < 3; i++) stored.push(await storeInbound(deps.storage, { accountId, uidvalidity: 70, uid: i + 1, raw: mail(`chunk-${i}@example.org`, `Chunk ${i}`), sourceAction: 'none' }, Date.now()));
        const claimed = (await claimInbound(deps.storage, deps.config.instanceId, 100, Date.now(), 60_000)).filter((m) => stored.some((s) => s.id === m.id));
        expect(claimed).toHaveLength(3);
        const outcomes = await processBatch(deps, claimed, {
          runBatch: async (jobs) => (await pool.runBatch(jobs)).map((r, i) => (i === 1 ? { ok: false as const, thrown: 'analysis bug' } : r)),
        });
        expect(outcomes.map((o) => o.kind)).toEqual(['contact', 'retry', 'contact']);
        expect(outcomes[1]).toEqual({ kind: 'retry', error: 'analysis bug' });
        const row = await deps.storage.db.selectFrom('inbound_messages').select(['status', 'error']).where('id', '=', claimed[1].id).executeTakeFirstOrThrow();
        expect(row).toEqual({ status: 'stored', error: 'analysis bug' });
      } finally { await pool.close(); }
    });

    it('corpus sweep: every message becomes a contact, a duplicate or a quarantine entry, with zero crashes', async () => {
      const entries = corpusEntries();
      if (!entries) { console.warn(corpusAbsentMessage()); return; }
      const sweep = await createAccount(deps.storage.db, {
        address: 'corpus@example.test', protocol: 'smtp', host: '127.0.0.1', port: 0, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!sweep.ok) throw new Error(sweep.message);
      for (const [i, e] of entries.entries()) {
        await storeInbound(deps.storage, { accountId: sweep.account.id, uidvalidity: 1, uid: i + 1, raw: readFileSync(e.file), sourceAction: 'none' }, Date.now());
      }
      const counts = await drain(deps);
      const rows = await deps.storage.db.selectFrom('inbound_messages').select(['status']).where('account_id', '=', sweep.account.id).execute();
      const byStatus: Record<string, number> = {};
      for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      console.info(`[corpus sweep ${dialect}] ${entries.length} messages: ${JSON.stringify(byStatus)}`);
      expect(rows).toHaveLength(entries.length);
      expect((byStatus.done ?? 0) + (byStatus.duplicate ?? 0) + (byStatus.quarantined ?? 0)).toBe(entries.length);
      expect(counts.retry ?? 0).toBe(0);
      const q = await deps.storage.db.selectFrom('quarantine').select(['reason_code']).where('account_id', '=', sweep.account.id).execute();
      expect(q).toHaveLength(byStatus.quarantined ?? 0);
    }, 300_000);
  });
}

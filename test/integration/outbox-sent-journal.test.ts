import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalKey, openSentJournal } from '../../src/adapters/fs/sent-journal.js';
import type { MailSender } from '../../src/adapters/smtp-out/sender.js';
import { startDelivery } from '../../src/roles/delivery/index.js';
import { enqueueOutbox, releaseOutboxClaims, SENT_BEFORE_RESTART } from '../../src/storage/repositories/outbox.js';
import { makeDeps } from '../support/deps.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { waitFor } from '../support/mailstack.js';

/**
 * The send/commit window of the outbox: a process killed after the relay's 250 and before the
 * commit that marks the row sent must not send the message again once it (or another worker
 * sharing the data directory) takes the row back. "Killed" here is the state such a process
 * leaves: the row 'sending' under its claim and the note in its sent journal.
 */
for (const dialect of BACKENDS) {
  describe(`outbox sent journal (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    const sends: string[] = [];
    const sender: MailSender = { async send(_s, _e, _raw, name) { sends.push(name); return { via: 'test' }; }, close() {} };
    const journalDir = () => join(deps.config.dataDir, 'sent-journal');
    beforeAll(async () => { tdb = await createTestDatabase(dialect); deps = await makeDeps(tdb); });
    afterAll(async () => { await deps?.close(); await tdb?.drop(); });

    /** An outbox row as a worker left it when it was killed mid-send: claimed ('sending'), lease as given. */
    const leftSending = async (worker: string, leaseUntil: number) => {
      const now = Date.now();
      const id = await enqueueOutbox(deps.storage.db, { kind: 'auto_answer', contactId: null, accountId: null, envelopeFrom: 'support@example.test', envelopeTo: ['c@example.org'], raw: Buffer.from('Subject: x\r\n\r\nx\r\n') }, now);
      await deps.storage.db.updateTable('outbox').set({ status: 'sending', claimed_by: worker, claim_expires_at: leaseUntil, attempts: 1 }).where('id', '=', id).execute();
      return deps.storage.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    };
    const statusOf = async (id: number) => deps.storage.db.selectFrom('outbox').select(['status', 'last_error', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow();

    it('a row the relay took before the kill is recorded sent after the restart, not sent again; one without the note is sent (at least once)', async () => {
      const me = deps.config.instanceId;
      const tookIt = await leftSending(me, Date.now() + 120_000);
      const neverLeft = await leftSending(me, Date.now() + 120_000);
      const before = openSentJournal(journalDir(), me);
      before.record(journalKey(tookIt));
      before.close();

      sends.length = 0;
      const stop = await startDelivery(deps, { sweepMs: 100, sender });
      try {
        await waitFor(async () => (await statusOf(neverLeft.id)).status === 'sent', 10_000, 'the unsent row delivered');
        expect(await statusOf(tookIt.id)).toMatchObject({ status: 'sent', last_error: SENT_BEFORE_RESTART });
        expect(sends).toEqual([`${neverLeft.id}-auto_answer`]);
      } finally { await stop(); }
      // settled: nothing left for the next start
      expect(readFileSync(join(journalDir(), `${me}.log`), 'latin1')).toBe('');
    });

    it('a row whose worker never came back is taken after its lease; that worker\'s note keeps it from a second send', async () => {
      const gone = await leftSending('gone-worker', Date.now() - 1);
      const theirs = openSentJournal(journalDir(), 'gone-worker');
      theirs.record(journalKey(gone));
      theirs.close();

      sends.length = 0;
      const stop = await startDelivery(deps, { sweepMs: 100, sender });
      try {
        await waitFor(async () => (await statusOf(gone.id)).status === 'sent', 10_000, 'the row recorded sent');
        expect(await statusOf(gone.id)).toMatchObject({ last_error: SENT_BEFORE_RESTART, attempts: 2 });
        expect(sends).toEqual([]);
      } finally { await stop(); }
    });

    it('a claim released by a worker that then never came back keeps its claimer: that worker\'s note keeps it from a second send', async () => {
      const row = await leftSending('released-worker', Date.now() + 120_000);
      const theirs = openSentJournal(journalDir(), 'released-worker');
      theirs.record(journalKey(row));
      theirs.close();
      expect(await releaseOutboxClaims(deps.storage.db, 'released-worker', Date.now())).toBe(1);

      sends.length = 0;
      const stop = await startDelivery(deps, { sweepMs: 100, sender });
      try {
        await waitFor(async () => (await statusOf(row.id)).status === 'sent', 10_000, 'the row recorded sent');
        expect(await statusOf(row.id)).toMatchObject({ last_error: SENT_BEFORE_RESTART });
        expect(sends).toEqual([]);
      } finally { await stop(); }
    });

    it('a row nobody claimed before is looked up in this instance\'s notes only, not in other instances\' files', async () => {
      const id = await enqueueOutbox(deps.storage.db, { kind: 'redirect', contactId: null, accountId: null, envelopeFrom: 'support@example.test', envelopeTo: ['fresh@example.org'], raw: Buffer.from('Subject: f\r\n\r\nf\r\n') }, Date.now());
      const row = await deps.storage.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      // a stranger's file naming the row: were it read, the row would be recorded sent without a send
      mkdirSync(journalDir(), { recursive: true });
      writeFileSync(join(journalDir(), 'stranger.log'), `${journalKey(row)}\n`);
      sends.length = 0;
      const stop = await startDelivery(deps, { sweepMs: 100, sender });
      try {
        await waitFor(async () => (await statusOf(id)).status === 'sent', 10_000, 'sent');
        expect(sends).toEqual([`${id}-redirect`]);
        expect(await statusOf(id)).toMatchObject({ last_error: null });
      } finally { await stop(); }
    });

    it('sent rows are recorded in group commits; a group commit that fails keeps the notes and is retried: every row sent once, none failed', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(await enqueueOutbox(deps.storage.db, { kind: 'redirect', contactId: null, accountId: null, envelopeFrom: 'support@example.test', envelopeTo: [`g${i}@example.org`], raw: Buffer.from('Subject: g\r\n\r\ng\r\n') }, Date.now()));
      }
      let failCommits = 0;
      let notesWhileFailing: string[] = [];
      const mine = join(journalDir(), `${deps.config.instanceId}.log`);
      const recording: MailSender = {
        async send(_s, _e, _raw, name) { if (sends.length === 0) failCommits = 2; sends.push(name); return { via: 'test' }; },
        close() {},
      };
      const storage = { ...deps.storage, transaction: ((fn, lockKey) => {
        if (failCommits > 0) {
          failCommits--;
          notesWhileFailing = readFileSync(mine, 'latin1').split('\n').filter(Boolean);
          return Promise.reject(new Error('connection terminated'));
        }
        return deps.storage.transaction(fn, lockKey);
      }) as typeof deps.storage.transaction };
      sends.length = 0;
      const stop = await startDelivery({ ...deps, storage }, { sweepMs: 100, sender: recording });
      try {
        await waitFor(async () => (await Promise.all(ids.map(statusOf))).every((r) => r.status === 'sent'), 15_000, 'all recorded sent');
      } finally { await stop(); }
      expect([...sends].sort()).toEqual(ids.map((id) => `${id}-redirect`).sort());
      for (const id of ids) expect(await statusOf(id)).toMatchObject({ status: 'sent', last_error: null, attempts: 1 });
      expect(notesWhileFailing.length).toBeGreaterThan(0); // the sent rows' notes were kept while their commit failed
      expect(readFileSync(mine, 'latin1')).toBe('');
    });

    it('a run that fails part-way (the database away while recording) gives back the rest of its batch at once, not after the lease', async () => {
      const ids: number[] = [];
      for (const to of ['first@example.org', 'second@example.org']) {
        ids.push(await enqueueOutbox(deps.storage.db, { kind: 'redirect', contactId: null, accountId: null, envelopeFrom: 'support@example.test', envelopeTo: [to], raw: Buffer.from('Subject: z\r\n\r\nz\r\n') }, Date.now()));
      }
      // the first send fails for a moment and recording that failure finds the database away
      let failedOnce = false;
      let dbAway = false;
      const flaky: MailSender = {
        async send(_s, env, _raw, name) {
          if (env.to[0] === 'first@example.org' && !failedOnce) { failedOnce = true; dbAway = true; throw Object.assign(new Error('try later'), { responseCode: 451 }); }
          sends.push(name);
          return { via: 'test' };
        },
        close() {},
      };
      const storage = { ...deps.storage, transaction: ((fn, lockKey) => {
        if (dbAway) { dbAway = false; return Promise.reject(new Error('connection terminated')); }
        return deps.storage.transaction(fn, lockKey);
      }) as typeof deps.storage.transaction };
      sends.length = 0;
      const stop = await startDelivery({ ...deps, storage }, { sweepMs: 100, sender: flaky });
      try {
        await waitFor(async () => (await statusOf(ids[1])).status === 'sent', 10_000, 'the second row sent well before its 2-minute lease');
        expect(sends).toContain(`${ids[1]}-redirect`);
        await waitFor(async () => (await statusOf(ids[0])).status === 'sent', 10_000, 'the first row sent on its retry');
      } finally { await stop(); }
    });

    it('an ordinary send leaves no note behind once the row is committed sent', async () => {
      const id = await enqueueOutbox(deps.storage.db, { kind: 'redirect', contactId: null, accountId: null, envelopeFrom: 'support@example.test', envelopeTo: ['a@example.org'], raw: Buffer.from('Subject: y\r\n\r\ny\r\n') }, Date.now());
      sends.length = 0;
      const stop = await startDelivery(deps, { sweepMs: 100, sender });
      try {
        await waitFor(async () => (await statusOf(id)).status === 'sent', 10_000, 'sent');
        expect(sends).toEqual([`${id}-redirect`]);
        expect(await statusOf(id)).toMatchObject({ last_error: null, attempts: 1 });
      } finally { await stop(); }
      const after = openSentJournal(journalDir(), deps.config.instanceId);
      expect(after.unsettled()).toEqual([]);
      after.close();
    });
  });
}

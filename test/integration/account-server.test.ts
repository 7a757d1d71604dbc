import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deps, StopRole } from '../../src/app/deps.js';
import { startAccountServer, type AccountServerOptions } from '../../src/roles/account-server/index.js';
import { createAccount, type AccountInput } from '../../src/storage/repositories/accounts.js';
import { getCursor, storeInbound } from '../../src/storage/repositories/inbound.js';
import type { AccountRow } from '../../src/storage/schema.js';
import { makeDeps } from '../support/deps.js';
import { MAIL, freshMailbox, imapClient, smtpTransport, waitFor } from '../support/mailstack.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';

/*
 * The account server against the real Dovecot/Postfix stack, on SQLite and PostgreSQL.
 * Helpers first (kept in this file: test files may not import each other).
 */

async function addAccount(deps: Deps, over: Partial<AccountInput> & { address: string }, password: string | null = 'password'): Promise<AccountRow> {
  const input: AccountInput = {
    protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: over.address,
    passwordSealed: password === null ? null : deps.secrets.seal(password), mailbox: 'INBOX', afterImport: 'seen', moveTo: null,
    pollIntervalSeconds: 300, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true, ...over,
  };
  const r = await createAccount(deps.storage.db, input, Date.now());
  if (!r.ok) throw new Error(r.message);
  return r.account;
}

function rawMessage(to: string, n: number, tag = Math.random().toString(36).slice(2, 8)): Buffer {
  return Buffer.from([
    'From: Customer <customer@example.net>', `To: ${to}`, `Subject: question ${n}`,
    `Message-ID: <${tag}-${n}@example.net>`, 'Date: Mon, 06 Jan 2025 10:00:00 +0000', 'Content-Type: text/plain; charset=utf-8', '',
    `Hello, this is message ${n}.`, '',
  ].join('\r\n'));
}

/**
 * A login right after `freshMailbox` sometimes gets AUTHENTICATIONFAILED (Dovecot has not re-read
 * its passwd-file yet), so test clients retry for a few seconds. The watcher copes on its own (back-off).
 */
async function connected(address: string, password: string) {
  return waitFor(async () => {
    const client = imapClient(address, password);
    try { await client.connect(); return client; } catch (err) { client.close(); throw err; }
  }, 10_000, `IMAP login for ${address}`, 200);
}

async function appendMessages(address: string, password: string, count: number, folder = 'INBOX'): Promise<void> {
  const client = await connected(address, password);
  try {
    for (let i = 1; i <= count; i++) await client.append(folder, rawMessage(address, i));
  } finally {
    await client.logout();
  }
}

/** UIDs and flags in a folder, or null when the folder does not exist. */
async function folderState(address: string, password: string, folder: string): Promise<{ uid: number; seen: boolean }[] | null> {
  const client = await connected(address, password);
  try {
    const lock = await client.getMailboxLock(folder).catch(() => null);
    if (!lock) return null;
    try {
      const exists = client.mailbox ? client.mailbox.exists : 0;
      if (exists === 0) return [];
      const msgs = await client.fetchAll('1:*', { uid: true, flags: true });
      return msgs.map((m) => ({ uid: m.uid, seen: m.flags?.has('\\Seen') ?? false }));
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

async function inboundRows(deps: Deps, accountId: string) {
  return deps.storage.db.selectFrom('inbound_messages').innerJoin('inbound_raw', 'inbound_raw.inbound_message_id', 'inbound_messages.id')
    .select(['id', 'uid', 'uidvalidity', 'source_action', 'inbound_raw.raw', 'arrived_at']).where('account_id', '=', accountId).orderBy('id').execute();
}

async function accountHealth(deps: Deps, accountId: string) {
  return deps.storage.db.selectFrom('accounts').select(['health_state', 'health_last_error', 'health_last_success_at'])
    .where('id', '=', accountId).executeTakeFirstOrThrow();
}

/** A pino logger that keeps every line, for asserting on what the role logged. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk)) as Record<string, unknown>); cb(); } });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const FAST: AccountServerOptions = { reconcileIntervalMs: 200, backoff: { baseMs: 100, maxMs: 1000 } };
const countUids = (rows: { uid: number | null }[]) => new Set(rows.map((r) => r.uid)).size;

for (const dialect of BACKENDS) {
  describe(`account server: IMAP (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let log: ReturnType<typeof capturingLogger>;
    const stops: StopRole[] = [];
    const start = async (opts: AccountServerOptions = {}) => { const stop = await startAccountServer(deps, { ...FAST, ...opts }); stops.push(stop); return stop; };

    beforeEach(async () => {
      tdb = await createTestDatabase(dialect);
      log = capturingLogger();
      deps = await makeDeps(tdb, { logger: log.logger });
    });
    afterEach(async () => {
      for (const stop of stops.splice(0)) await stop();
      await deps.close();
      await tdb.drop();
    });

    it.each(['seen', 'move', 'delete'] as const)('stores each message once, then runs the after-import action %s', async (afterImport) => {
      const mb = freshMailbox('acct');
      await appendMessages(mb.address, mb.password, 3);
      const account = await addAccount(deps, { address: mb.address, afterImport, moveTo: afterImport === 'move' ? 'Processed/Switchyard' : null });
      await start();
      await waitFor(async () => (await inboundRows(deps, account.id)).every((r) => r.source_action === 'done') && (await inboundRows(deps, account.id)).length === 3, 15_000, 'three rows with the action done');
      const rows = await inboundRows(deps, account.id);
      expect(countUids(rows)).toBe(3);
      expect(rows.map((r) => r.raw.toString()).join()).toContain('message 2.');
      // INTERNALDATE is kept (whole seconds): it tells backlog from new mail for automatic answers.
      for (const r of rows) expect(Math.abs(Number(r.arrived_at) - Date.now())).toBeLessThan(5 * 60_000);
      const inbox = await folderState(mb.address, mb.password, 'INBOX');
      if (afterImport === 'seen') {
        expect(inbox).toHaveLength(3);
        expect(inbox?.every((m) => m.seen)).toBe(true);
      } else {
        expect(inbox).toEqual([]);
      }
      if (afterImport === 'move') expect(await folderState(mb.address, mb.password, 'Processed/Switchyard')).toHaveLength(3);
      const cursor = await getCursor(deps.storage.db, account.id);
      expect(cursor?.last_uid).toBe(Math.max(...rows.map((r) => Number(r.uid))));
      expect(await deps.metrics.messagesStored.get()).toMatchObject({ values: [{ value: 3 }] });
      const health = await accountHealth(deps, account.id);
      expect(health.health_state).toBe('idle');
      expect(health.health_last_success_at).not.toBeNull();
    });

    it('stores mail delivered through Postfix while the watcher is in IDLE', async () => {
      const mb = freshMailbox('idle');
      const account = await addAccount(deps, { address: mb.address, pollIntervalSeconds: 3600 });
      let woken = 0;
      deps.bus.subscribe('inbound', () => { woken++; });
      await start();
      await waitFor(async () => (await accountHealth(deps, account.id)).health_state === 'idle', 10_000, 'idle state');
      await new Promise((r) => setTimeout(r, 500)); // let auto-IDLE begin
      const smtp = smtpTransport();
      try {
        await smtp.sendMail({ from: 'customer@example.net', to: mb.address, subject: 'via postfix', text: 'hello over IDLE' });
      } finally {
        smtp.close();
      }
      await waitFor(async () => (await inboundRows(deps, account.id)).length === 1, 15_000, 'the IDLE-delivered message');
      expect((await inboundRows(deps, account.id))[0].raw.toString()).toContain('Subject: via postfix');
      await waitFor(async () => woken > 0, 5_000, 'an inbound bus message');
    });

    it('stops mid-stream and resumes without duplicates', async () => {
      const mb = freshMailbox('restart');
      await appendMessages(mb.address, mb.password, 120);
      const account = await addAccount(deps, { address: mb.address });
      const stop = await start({ batchSize: 10 });
      await waitFor(async () => (await inboundRows(deps, account.id)).length >= 10, 15_000, 'the first batch', 5);
      await stop();
      stops.splice(stops.indexOf(stop), 1);
      const partial = await inboundRows(deps, account.id);
      expect(partial.length % 10).toBe(0); // stop waits for the batch in flight
      expect((await accountHealth(deps, account.id)).health_state).toBe('stopped');
      await start({ batchSize: 10 });
      await waitFor(async () => (await inboundRows(deps, account.id)).length === 120, 20_000, 'all 120 messages');
      await new Promise((r) => setTimeout(r, 300));
      const rows = await inboundRows(deps, account.id);
      expect(rows).toHaveLength(120);
      expect(countUids(rows)).toBe(120);
      expect((await getCursor(deps.storage.db, account.id))?.last_uid).toBe(Math.max(...rows.map((r) => Number(r.uid))));
      await waitFor(async () => (await inboundRows(deps, account.id)).every((r) => r.source_action === 'done'), 10_000, 'actions done');
      expect((await folderState(mb.address, mb.password, 'INBOX'))?.every((m) => m.seen)).toBe(true);
    });

    it('finishes after-import actions left pending by a crash before fetching new mail', async () => {
      const mb = freshMailbox('crash');
      await appendMessages(mb.address, mb.password, 3);
      const account = await addAccount(deps, { address: mb.address, afterImport: 'move', moveTo: 'Done' });
      // The state a crash between "stored" and "moved" leaves behind: rows pending, cursor advanced.
      const client = await connected(mb.address, mb.password);
      const box = await client.mailboxOpen('INBOX');
      const uidvalidity = Number(box.uidValidity);
      const uids = (await client.fetchAll('1:*', { uid: true })).map((m) => m.uid);
      await client.logout();
      for (const uid of uids.slice(0, 2)) {
        await storeInbound(deps.storage, { accountId: account.id, uidvalidity, uid, raw: rawMessage(mb.address, uid), sourceAction: 'pending' }, Date.now(), { mailbox: 'INBOX' });
      }
      await start();
      await waitFor(async () => {
        const rows = await inboundRows(deps, account.id);
        return rows.length === 3 && rows.every((r) => r.source_action === 'done');
      }, 15_000, 'pending actions done and the third message stored');
      expect(await folderState(mb.address, mb.password, 'INBOX')).toEqual([]);
      expect((await folderState(mb.address, mb.password, 'Done'))?.length).toBe(3);
      expect(log.lines.some((l) => l.msg === 'finishing pending after-import actions' && l.count === 2)).toBe(true);
    });

    it('re-scans from UID 1 when UIDVALIDITY differs from the cursor', async () => {
      const mb = freshMailbox('uidv');
      await appendMessages(mb.address, mb.password, 3);
      const account = await addAccount(deps, { address: mb.address });
      let stop = await start();
      await waitFor(async () => (await inboundRows(deps, account.id)).length === 3, 15_000, 'three rows');
      await stop();
      stops.length = 0;
      const real = (await getCursor(deps.storage.db, account.id))!;
      await deps.storage.db.updateTable('account_cursors').set({ uidvalidity: real.uidvalidity + 1000 }).where('account_id', '=', account.id).execute();
      const fetchedBefore = (await deps.metrics.messagesFetched.get()).values[0].value;
      stop = await start();
      // The fetch counter moves as bodies stream in; the cursor moves when the batch has committed.
      await waitFor(async () => (await getCursor(deps.storage.db, account.id))?.uidvalidity === real.uidvalidity
        && (await getCursor(deps.storage.db, account.id))?.last_uid === real.last_uid
        && (await deps.metrics.messagesFetched.get()).values[0].value === fetchedBefore + 3, 15_000, 're-scan');
      expect(log.lines.some((l) => String(l.msg).includes('re-scanning from UID 1') && l.oldUidvalidity === real.uidvalidity + 1000)).toBe(true);
      // Same source UIDs under the real UIDVALIDITY: idempotent here; a genuinely new UIDVALIDITY
      // stores new rows, which the email server de-duplicates by Message-ID.
      expect(await inboundRows(deps, account.id)).toHaveLength(3);
      expect((await getCursor(deps.storage.db, account.id))?.last_uid).toBe(real.last_uid);
    });

    it('keeps a good account working while others fail, and picks up new accounts', async () => {
      const bad = freshMailbox('badpw');
      const badPw = await addAccount(deps, { address: bad.address }, 'wrong-password');
      const refused = await addAccount(deps, { address: `refused-${Date.now()}@example.test`, port: 1 });
      await start();
      await waitFor(async () => /ECONNREFUSED 127\.0\.0\.1:1/.test((await accountHealth(deps, refused.id)).health_last_error ?? ''), 10_000, 'refused error');
      await waitFor(async () => /AUTHENTICATIONFAILED/.test((await accountHealth(deps, badPw.id)).health_last_error ?? ''), 10_000, 'auth error');
      expect(['backoff', 'error', 'connecting']).toContain((await accountHealth(deps, refused.id)).health_state);
      expect(['backoff', 'error', 'connecting']).toContain((await accountHealth(deps, badPw.id)).health_state);
      // Added while the role runs: picked up by the periodic re-read.
      const good = freshMailbox('good');
      await appendMessages(good.address, good.password, 2);
      const goodAccount = await addAccount(deps, { address: good.address });
      await waitFor(async () => (await inboundRows(deps, goodAccount.id)).length === 2, 15_000, 'good account messages');
      expect((await accountHealth(deps, goodAccount.id)).health_last_error).toBeNull();
      // Disabled: stopped by the re-read, health left to the admin.
      await deps.storage.db.updateTable('accounts').set({ enabled: 0, health_state: 'disabled', updated_at: Date.now() }).where('id', '=', refused.id).execute();
      await new Promise((r) => setTimeout(r, 2000));
      expect((await accountHealth(deps, refused.id)).health_state).toBe('disabled');
    });
  });
}

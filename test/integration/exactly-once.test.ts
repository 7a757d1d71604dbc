import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { freshMailbox, imapClient, MAIL, waitFor } from '../support/mailstack.js';
import { spawnSwitchyard, type SwitchyardProcess } from '../support/process.js';
import { countContacts } from '../../src/storage/repositories/contacts.js';
import type { Storage } from '../../src/storage/db.js';

/**
 * No email lost or duplicated, across a crash: 500 messages are appended while
 * Switchyard runs; it is killed (SIGKILL) halfway and started again. Then, on
 * PostgreSQL, two email-server processes share the work.
 */
const N = 500;
const BIN = resolve(import.meta.dirname, '../../bin/switchyard.js');

const message = (i: number, to: string, run: string) => Buffer.from([
  `From: customer${i}@example.org`, `To: ${to}`, `Subject: Exactly once ${i}`, `Message-ID: <once-${run}-${i}@example.org>`,
  'Date: Fri, 27 Nov 2026 10:00:00 +0000', 'Content-Type: text/plain', '', `Message number ${i}.`, '',
].join('\r\n'));

async function appendAll(user: string, pass: string, run: string, onProgress: (n: number) => Promise<void>): Promise<void> {
  const client = imapClient(user, pass);
  await client.connect();
  try {
    for (let i = 0; i < N; i++) {
      await client.append('INBOX', message(i, user, run));
      await onProgress(i + 1);
    }
  } finally { await client.logout(); }
}

async function mailboxMessageIds(user: string, pass: string, folder: string): Promise<string[]> {
  const client = imapClient(user, pass);
  await client.connect();
  try {
    const status = await client.status(folder, { messages: true }).catch(() => null);
    if (!status || !status.messages) return [];
    const lock = await client.getMailboxLock(folder);
    const ids: string[] = [];
    try { for await (const m of client.fetch('1:*', { envelope: true })) ids.push(m.envelope?.messageId ?? ''); } finally { lock.release(); }
    return ids;
  } finally { await client.logout(); }
}

function addAccount(env: Record<string, string | undefined>, user: string, pass: string): void {
  execFileSync(process.execPath, [BIN, 'account', 'add', '--address', user, '--protocol', 'imap', '--host', MAIL.host, '--port', String(MAIL.imapPort),
    '--username', user, '--password', pass, '--after-import', 'move', '--move-to', 'Processed'], { env: { PATH: process.env.PATH, ...env }, stdio: 'pipe' });
}

async function expectExactlyOnce(storage: Storage, user: string, pass: string, run: string): Promise<void> {
  await waitFor(async () => (await countContacts(storage.db)) >= N, 120_000, `${N} contacts`, 200);
  await waitFor(async () => {
    const pending = await storage.db.selectFrom('inbound_messages').select('id').where((eb) => eb.or([eb('source_action', '=', 'pending'), eb('status', 'in', ['stored', 'processing'])])).execute();
    return pending.length === 0;
  }, 60_000, 'all after-import actions done', 200);
  await new Promise((r) => setTimeout(r, 1000)); // anything late would show up now
  const contacts = await storage.db.selectFrom('contacts').select(['message_id']).execute();
  expect(contacts).toHaveLength(N);
  expect(new Set(contacts.map((c) => c.message_id)).size).toBe(N);
  const inbound = await storage.db.selectFrom('inbound_messages').select(['status']).execute();
  expect(inbound).toHaveLength(N);
  expect(inbound.every((m) => m.status === 'done')).toBe(true);
  // The after-import action is 'move': every message is in Processed exactly once, none left behind.
  expect(await mailboxMessageIds(user, pass, 'INBOX')).toEqual([]);
  const moved = await mailboxMessageIds(user, pass, 'Processed');
  expect(moved).toHaveLength(N);
  expect(new Set(moved).size).toBe(N);
  expect(moved.every((id) => id.includes(`once-${run}-`))).toBe(true);
}

for (const dialect of BACKENDS) {
  describe(`exactly once across a crash (${dialect})`, () => {
    let tdb: TestDatabase;
    let storage: Storage;
    const procs: SwitchyardProcess[] = [];
    beforeAll(async () => { tdb = await createTestDatabase(dialect); storage = await tdb.open(); });
    afterAll(async () => {
      for (const p of procs) await p.kill('SIGKILL');
      await storage?.close();
      await tdb?.drop();
    });

    it(`${N} messages appended while running, SIGKILL halfway, restart: ${N} contacts, each moved once`, async () => {
      const box = freshMailbox('once');
      const env = { SWITCHYARD_DATA_DIR: tdb.dataDir, DATABASE_URL: tdb.databaseUrl ?? undefined, SWITCHYARD_LOG_LEVEL: 'info' };
      addAccount(env, box.address, box.password);
      const roles = ['start', '--roles', 'account-server,email-server,acd'];
      let current = spawnSwitchyard(roles, { ...env, SWITCHYARD_INSTANCE_ID: 'first' });
      procs.push(current);
      await current.started;
      let restarted = false;
      await appendAll(box.address, box.password, dialect, async (n) => {
        if (n === N / 2 && !restarted) {
          restarted = true;
          // Wait until the first process is mid-stream (some stored, not all), then kill it hard.
          await waitFor(async () => (await storage.db.selectFrom('inbound_messages').select('id').limit(1).execute()).length > 0, 30_000, 'first stored message');
          await current.kill('SIGKILL');
          current = spawnSwitchyard(roles, { ...env, SWITCHYARD_INSTANCE_ID: 'second' });
          procs.push(current);
          await current.started;
        }
      });
      await expectExactlyOnce(storage, box.address, box.password, dialect);
    }, 240_000);

    if (dialect === 'postgres') {
      it(`two email-server processes share ${N} messages without a duplicate`, async () => {
        const tdb2 = await createTestDatabase('postgres');
        const storage2 = await tdb2.open();
        try {
          const box = freshMailbox('twoservers');
          const env = { SWITCHYARD_DATA_DIR: tdb2.dataDir, DATABASE_URL: tdb2.databaseUrl!, SWITCHYARD_LOG_LEVEL: 'info' };
          addAccount(env, box.address, box.password);
          const accountServer = spawnSwitchyard(['start', '--roles', 'account-server,acd'], { ...env, SWITCHYARD_INSTANCE_ID: 'accounts' });
          const emailA = spawnSwitchyard(['start', '--roles', 'email-server'], { ...env, SWITCHYARD_INSTANCE_ID: 'email-a' });
          const emailB = spawnSwitchyard(['start', '--roles', 'email-server'], { ...env, SWITCHYARD_INSTANCE_ID: 'email-b' });
          procs.push(accountServer, emailA, emailB);
          await Promise.all([accountServer.started, emailA.started, emailB.started]);
          await appendAll(box.address, box.password, 'two', async () => undefined);
          await expectExactlyOnce(storage2, box.address, box.password, 'two');
          const workers = await storage2.db.selectFrom('inbound_messages').select(['claimed_by', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('claimed_by').execute();
          console.info(`[two email servers] messages per process: ${JSON.stringify(workers)}`);
          expect(workers.every((w) => w.claimed_by === 'email-a' || w.claimed_by === 'email-b')).toBe(true);
        } finally {
          await storage2.close();
          await tdb2.drop();
        }
      }, 240_000);
    }
  });
}

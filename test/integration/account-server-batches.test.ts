import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deps, StopRole } from '../../src/app/deps.js';
import { planBatches } from '../../src/adapters/imap/watcher.js';
import { startAccountServer } from '../../src/roles/account-server/index.js';
import type { FetchedBatchInfo } from '../../src/roles/account-server/imap-account.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import { makeDeps } from '../support/deps.js';
import { MAIL, freshMailbox, imapClient, waitFor } from '../support/mailstack.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';

/*
 * IMAP fetch batches are bounded by bytes, not only by count: a mailbox with a few large
 * (several MB) and many small messages, drained against the real Dovecot, exactly once, with
 * every batch within the bound (a single message above the bound is a batch of its own).
 */

const LARGE = 3 * 1024 * 1024;
const BOUND = 4 * 1024 * 1024;

function message(to: string, n: number, size: number, tag: string): Buffer {
  const head = [`From: Customer <c${n}@example.net>`, `To: ${to}`, `Subject: batch ${n}`, `Message-ID: <${tag}-${n}@example.net>`,
    'Date: Mon, 06 Jan 2025 10:00:00 +0000', 'Content-Type: text/plain; charset=utf-8', '', ''].join('\r\n');
  const line = `message ${n} ${'x'.repeat(60)}\r\n`;
  return Buffer.from(head + line.repeat(Math.max(1, Math.ceil((size - head.length) / line.length))));
}

describe('planBatches', () => {
  it('never puts more than the bound in one batch and keeps UID order; an oversized message stands alone', () => {
    const sized = [5, 60, 5, 5, 200, 5, 5].map((size, i) => ({ uid: i + 1, size }));
    const plan = planBatches(sized, { maxBytes: 100, maxMessages: 2 });
    expect(plan.map((b) => b.map((m) => m.uid))).toEqual([[1, 2], [3, 4], [5], [6, 7]]);
    for (const b of plan) if (b.length > 1) expect(b.reduce((n, m) => n + m.size, 0)).toBeLessThanOrEqual(100);
  });
});

for (const dialect of BACKENDS) {
  describe(`account server: byte-bounded IMAP batches (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    const stops: StopRole[] = [];

    beforeEach(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
    });
    afterEach(async () => {
      for (const stop of stops.splice(0)) await stop();
      await deps.close();
      await tdb.drop();
    });

    it('drains large and small messages exactly once, each batch within the byte bound, acting on the source after storing', async () => {
      const mb = freshMailbox('batches');
      const tag = Math.random().toString(36).slice(2, 8);
      const sizes = Array.from({ length: 60 }, (_, i) => (i % 20 === 7 ? LARGE : 2_000 + (i % 5) * 1_000));
      const client = await waitFor(async () => { const c = imapClient(mb.address, mb.password); try { await c.connect(); return c; } catch { c.close(); return null; } }, 10_000, 'IMAP login');
      try {
        for (let i = 0; i < sizes.length; i++) await client.append('INBOX', message(mb.address, i, sizes[i], tag));
      } finally { await client.logout(); }

      const r = await createAccount(deps.storage.db, {
        address: mb.address, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: mb.address,
        passwordSealed: deps.secrets.seal(mb.password), mailbox: 'INBOX', afterImport: 'delete', moveTo: null, pollIntervalSeconds: 300,
        smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!r.ok) throw new Error(r.message);
      const batches: FetchedBatchInfo[] = [];
      const stop = await startAccountServer(deps as Deps, {
        reconcileIntervalMs: 200, batchBytes: BOUND, batchSize: 50,
        onBatch: (b) => batches.push(b),
      });
      stops.push(stop);
      const rows = () => deps.storage.db.selectFrom('inbound_messages').select(['uid', 'size', 'source_action']).where('account_id', '=', r.account.id).orderBy('uid').execute();
      await waitFor(async () => { const rs = await rows(); return rs.length === sizes.length && rs.every((x) => x.source_action === 'done'); }, 60_000, 'all messages stored and deleted at the source');

      const stored = await rows();
      expect(new Set(stored.map((x) => x.uid)).size).toBe(sizes.length);
      expect(stored.filter((x) => x.size >= LARGE)).toHaveLength(3);
      // Every message in exactly one batch; batches in UID order, within the bound unless a single oversized message.
      expect(batches.reduce((n, b) => n + b.messages, 0)).toBe(sizes.length);
      for (const b of batches) {
        if (b.messages > 1) expect(b.bytes).toBeLessThanOrEqual(BOUND);
        expect(b.messages).toBeLessThanOrEqual(50);
      }
      for (let i = 1; i < batches.length; i++) expect(batches[i].firstUid).toBeGreaterThan(batches[i - 1].lastUid);
      expect(batches.length).toBeGreaterThanOrEqual(3); // no two 3 MB messages share a 4 MB batch

      // The source is empty (deleted after the commit) and a restart fetches nothing again.
      await stop();
      stops.length = 0;
      const again: FetchedBatchInfo[] = [];
      stops.push(await startAccountServer(deps as Deps, { reconcileIntervalMs: 200, batchBytes: BOUND, onBatch: (b) => again.push(b) }));
      await new Promise((res) => setTimeout(res, 1500));
      expect(again).toEqual([]);
      expect(await rows()).toHaveLength(sizes.length);
    });
  });
}

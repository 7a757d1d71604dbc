import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStorage, type Storage } from '../src/storage/db.js';
import { claimInbound, markSourceActionDone, storeInboundBatch } from '../src/storage/repositories/inbound.js';

/**
 * The state updates of inbound messages on SQLite, alone: per round, 50 messages of ~10 KB are
 * stored (IMAP: source action pending, timed: storeInboundBatch), then timed: the account server's markSourceActionDone,
 * the email server's claim (claimInbound: select ids + UPDATE … and the messages with their raw
 * bytes; and its UPDATE alone, no RETURNING) and the pipeline's 'done' mark (one CASE update, as closeBatch writes it). Each timed
 * statement starts on an emptied WAL (TRUNCATE checkpoint, untimed), so the WAL frames it appended
 * are read afterwards from a PASSIVE checkpoint's log count. The database already holds
 * BENCH_PREFILL messages (default 2000) so the table is not tiny. `npx tsx bench/inbound-updates.ts`
 * (BENCH_ROUNDS, default 40).
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const PREFILL = Number(process.env.BENCH_PREFILL ?? 2000);
const BATCH = 50;

const message = (uid: number): Buffer => {
  const line = `Line ${uid} of a customer's message about an order that has not arrived yet, with details. `;
  const head = `From: customer${uid}@example.org\r\nTo: support@example.com\r\nSubject: Order ${uid}\r\nMessage-ID: <m${uid}@example.org>\r\n\r\n`;
  return Buffer.from(head + `${line}\r\n`.repeat(Math.ceil(10_240 / (line.length + 2))));
};

async function walFrames<T>(storage: Storage, op: () => Promise<T>): Promise<{ ms: number; frames: number }> {
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(storage.db);
  const t0 = performance.now();
  await op();
  const ms = performance.now() - t0;
  const r = await sql<{ busy: number; log: number }>`pragma wal_checkpoint(PASSIVE)`.execute(storage.db);
  return { ms, frames: r.rows[0].log };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], p25: s[Math.floor(s.length / 4)], median: s[Math.floor(s.length / 2)], mean: xs.reduce((a, b) => a + b, 0) / xs.length };
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-inbound-updates-'));
  const storage = await openStorage({ databaseUrl: null, dataDir });
  try {
    const now = Date.now();
    await storage.db.insertInto('accounts').values({ id: 'acc', address: 'support@example.com', protocol: 'imap', host: 'localhost', port: 143, security: 'none', created_at: now, updated_at: now } as never).execute();
    let uid = 0;
    const store = async () => {
      const inputs = Array.from({ length: BATCH }, () => { uid++; return { accountId: 'acc', uidvalidity: 1, uid, raw: message(uid), sourceAction: 'pending' as const }; });
      return (await storeInboundBatch(storage, inputs, Date.now())).map((r) => r.id!);
    };
    // Prefill: stored, claimed and done, as a running system's table is.
    for (let i = 0; i < PREFILL / BATCH; i++) {
      const ids = await store();
      await markSourceActionDone(storage.db, ids);
      await claimInbound(storage, 'prefill', BATCH, Date.now(), 60_000);
      await storage.db.updateTable('inbound_messages').set({ status: 'done' }).where('id', 'in', ids).execute();
    }
    const timings = { store: [] as number[], sourceDone: [] as number[], claim: [] as number[], claimUpdate: [] as number[], done: [] as number[] };
    const frames = { store: [] as number[], sourceDone: [] as number[], claim: [] as number[], claimUpdate: [] as number[], done: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      let ids: number[] = [];
      const s = await walFrames(storage, async () => { ids = await store(); });
      const a = await walFrames(storage, () => markSourceActionDone(storage.db, ids));
      let claimedBytes = 0;
      const b = await walFrames(storage, async () => {
        const rows = await claimInbound(storage, 'bench', BATCH, Date.now(), 60_000);
        claimedBytes = rows.reduce((n, m) => n + m.raw.length, 0);
        if (rows.length !== BATCH) throw new Error(`claimed ${rows.length}`);
      });
      if (claimedBytes < BATCH * 10_000) throw new Error(`claimed only ${claimedBytes} raw bytes`);
      // The claim's UPDATE alone (as claimInbound sets it, without RETURNING), on the same rows again.
      const u = await walFrames(storage, () => storage.db.updateTable('inbound_messages')
        .set((eb) => ({ status: 'processing', claimed_by: 'bench', claim_expires_at: Date.now() + 60_000, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', ids).execute());
      const at = Date.now();
      const c = await walFrames(storage, () => storage.transaction(async (trx) => {
        await trx.updateTable('inbound_messages').set({
          status: 'done', error: null, claim_expires_at: null,
          contact_id: sql<string>`case ${sql.join(ids.map((id) => sql`when id = ${id} then cast(${`c${id}`} as text)`), sql` `)} end`,
          processed_at: sql<number>`case ${sql.join(ids.map((id) => sql`when id = ${id} then cast(${at} as bigint)`), sql` `)} end`,
        }).where('id', 'in', ids).execute();
      }));
      if (r < 3) continue; // warm-up: prepared statements, page cache
      timings.store.push(s.ms); frames.store.push(s.frames);
      timings.sourceDone.push(a.ms); frames.sourceDone.push(a.frames);
      timings.claim.push(b.ms); frames.claim.push(b.frames);
      timings.claimUpdate.push(u.ms); frames.claimUpdate.push(u.frames);
      timings.done.push(c.ms); frames.done.push(c.frames);
    }
    const f = (x: number) => x.toFixed(2);
    console.log(`${ROUNDS - 3} rounds of ${BATCH} messages of ${message(1).length} bytes, ${PREFILL} messages before`);
    for (const [name, label] of [['store', 'storeInboundBatch (50)'], ['sourceDone', 'markSourceActionDone (50 ids)'], ['claim', 'claimInbound (50, with raw)'], ['claimUpdate', 'claim UPDATE alone (50)'], ['done', "'done' mark (CASE update, 50)"]] as const) {
      const t = stats(timings[name]);
      const w = stats(frames[name]);
      console.log(`${label.padEnd(34)} min ${f(t.min)}, p25 ${f(t.p25)}, median ${f(t.median)}, mean ${f(t.mean)} ms; WAL ${w.median} frames (${(w.median * 4096 / 1024).toFixed(0)} KB)`);
    }
  } finally {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

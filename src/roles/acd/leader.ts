import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../storage/schema.js';

/**
 * One active queue engine per database: a lease row ('acd') held by one instance and renewed
 * every sweep. Another instance takes it over once it has expired, so a dead leader is replaced
 * within the lease time plus one sweep. The leader checks in every decision's transaction that it
 * still holds the lease (fencing), so a paused or cut-off former leader can never commit a decision
 * after its successor has loaded the state. Lease times are wall-clock times (Date.now()).
 *
 * The same rows serve other single-holder jobs (an IMAP account watched by one account server).
 */
export const LEASE_NAME = 'acd';

type Db = Kysely<Database> | Transaction<Database>;

export async function tryLease(db: Db, name: string, me: string, now: number, ttlMs: number): Promise<boolean> {
  await db.insertInto('leases').values({ name, holder: me, expires_at: now + ttlMs }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const r = await db.updateTable('leases').set({ holder: me, expires_at: now + ttlMs })
    .where('name', '=', name).where((eb) => eb.or([eb('holder', '=', me), eb('expires_at', '<', now)])).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function releaseLease(db: Db, name: string, me: string): Promise<void> {
  await db.updateTable('leases').set({ expires_at: 0 }).where('name', '=', name).where('holder', '=', me).execute();
}

export const tryLead = (db: Db, me: string, now: number, ttlMs: number): Promise<boolean> => tryLease(db, LEASE_NAME, me, now, ttlMs);
export const releaseLead = (db: Db, me: string): Promise<void> => releaseLease(db, LEASE_NAME, me);

/** The instance holding a valid queue-engine lease, or null. */
export async function validLeaseHolder(db: Db, now: number): Promise<string | null> {
  const r = await db.selectFrom('leases').select(['holder', 'expires_at']).where('name', '=', LEASE_NAME).executeTakeFirst();
  return r && r.expires_at > now ? r.holder : null;
}

export const currentLeader = validLeaseHolder;

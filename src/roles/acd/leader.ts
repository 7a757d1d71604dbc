import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';

/**
 * One active queue engine per database: a lease row ('acd') held by one instance and renewed
 * every sweep. Another instance takes it over once it has expired, so a dead leader is replaced
 * within the lease time plus one sweep. Commands from the web role still run anywhere: every
 * decision runs under the ACD advisory lock on fresh state, so two engines can never offer one
 * contact twice; the lease only keeps timers and sweeps to one process.
 */
export const LEASE_NAME = 'acd';

export async function tryLead(db: Kysely<Database>, me: string, now: number, ttlMs: number): Promise<boolean> {
  await db.insertInto('leases').values({ name: LEASE_NAME, holder: me, expires_at: now + ttlMs }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const r = await db.updateTable('leases').set({ holder: me, expires_at: now + ttlMs })
    .where('name', '=', LEASE_NAME).where((eb) => eb.or([eb('holder', '=', me), eb('expires_at', '<', now)])).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function releaseLead(db: Kysely<Database>, me: string): Promise<void> {
  await db.updateTable('leases').set({ expires_at: 0 }).where('name', '=', LEASE_NAME).where('holder', '=', me).execute();
}

export async function currentLeader(db: Kysely<Database>, now: number): Promise<string | null> {
  const r = await db.selectFrom('leases').select(['holder', 'expires_at']).where('name', '=', LEASE_NAME).executeTakeFirst();
  return r && r.expires_at > now ? r.holder : null;
}

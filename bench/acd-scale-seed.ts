import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../src/storage/schema.js';
import type { Storage } from '../src/storage/db.js';
import { createAccount } from '../src/storage/repositories/accounts.js';
import { rng } from './acd-model.js';

/**
 * The acd-scale centre written to a real database: QUEUES queues with mixed skill requirements,
 * agents with four skills each (ready, auto-accept, capacity 1), queued contacts spread over the
 * queues. The leader loads it as it would at takeover.
 */
export interface ScaleCentre { entranceId: string; queueIds: string[]; agentIds: string[] }

const chunk = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

export async function seedScaleCentre(storage: Storage, o: { agents: number; contacts: number; queues: number; skills: number; seed: number }): Promise<ScaleCentre> {
  const db: Kysely<Database> = storage.db;
  const r = rng(o.seed);
  const now = Date.now();
  const acct = await createAccount(db, {
    address: `bench-scale-${now}@example.test`, protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
    mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
  }, now);
  if (!acct.ok) throw new Error(acct.message);
  const queueIds = Array.from({ length: o.queues }, (_, q) => `scale-q${q}`);
  const agentIds = Array.from({ length: o.agents }, () => randomUUID());
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('queues').values(queueIds.map((id, q) => {
      const a = Math.floor(r() * o.skills);
      const b = (a + 1 + Math.floor(r() * (o.skills - 1))) % o.skills;
      const requirement = r() < 0.5 ? `s${a}>=${1 + Math.floor(r() * 5)}` : `s${a}>=${1 + Math.floor(r() * 4)} AND (s${b} OR group:g${q % 4})`;
      return { id, name: id, created_at: now, requirement, priority_tier: 1 + (q % 3), weight: 1 + (q % 5), sort_order: q % 2 ? 'longest-waiting' as const : 'highest-priority' as const };
    })).execute();
    for (const part of chunk(agentIds.map((id, i) => ({ id, i })), 400)) {
      await trx.insertInto('users').values(part.map(({ id, i }) => {
        const skills: Record<string, number> = {};
        for (let k = 0; k < 4; k++) skills[`s${Math.floor(r() * o.skills)}`] = 1 + Math.floor(r() * 9);
        return { id, username: `scale-${now}-${i}`, display_name: `Agent ${i}`, password_hash: 'x', role: 'agent' as const, email: null, skills: JSON.stringify(skills), capacity: 1, created_at: now, updated_at: now };
      })).execute();
      await trx.insertInto('agent_states').values(part.map(({ id }) => ({ user_id: id, state: 'ready' as const, pause_reason: null, state_since: now, idle_since: now, updated_at: now }))).execute();
      await trx.insertInto('agent_settings').values(part.map(({ id, i }) => ({ user_id: id, area_id: 'default', groups: JSON.stringify([`g${i % 4}`]), auto_accept: 1, wrap_up_seconds: null, forced_queue_ids: '[]' }))).execute();
    }
    for (const part of chunk(Array.from({ length: o.contacts }, (_, i) => i), 400)) {
      await trx.insertInto('contacts').values(part.map((i) => {
        const id = randomUUID();
        return {
          id, entrance_id: acct.entranceId, queue_id: queueIds[Math.floor(r() * o.queues)], inbound_message_id: null, dedupe_key: `scale:${id}`, status: 'queued' as const,
          message_id: `<${id}@bench>`, subject: `scale ${i}`, from_address: 'c@example.org', from_name: 'C', to_addresses: '[]', cc_addresses: '[]', reply_to: '[]', sent_date: now,
          in_reply_to: null, references_ids: '[]', text_body: 'x', html_body: null, attachments: '[]', contact_data: '{}', priority: r() < 0.1 ? 5 : 0,
          queued_at: now - Math.floor(r() * 3_600_000), agent_id: null, offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now,
          routing: 'routed' as const,
        };
      })).execute();
    }
  });
  return { entranceId: acct.entranceId, queueIds, agentIds };
}

/** A new contact as the email server writes it (pending routing at the centre's entrance). */
export async function insertArrival(db: Kysely<Database>, entranceId: string, queueId: string, now: number): Promise<string> {
  const id = randomUUID();
  await db.insertInto('contacts').values({
    id, entrance_id: entranceId, queue_id: queueId, inbound_message_id: null, dedupe_key: `scale:${id}`, status: 'queued', message_id: `<${id}@bench>`,
    subject: 'arrival', from_address: 'c@example.org', from_name: 'C', to_addresses: '[]', cc_addresses: '[]', reply_to: '[]', sent_date: now,
    in_reply_to: null, references_ids: '[]', text_body: 'x', html_body: null, attachments: '[]', contact_data: '{}', priority: 0, queued_at: now,
    agent_id: null, offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now,
  }).execute();
  return id;
}

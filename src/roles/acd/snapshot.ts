import type { Transaction } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { AcdSettings, AcdState, Agent, Contact, Offer } from '../../core/acd/types.js';

/** Loads the part of the database the queue engine decides over: agents, open contacts, open offers. */
export async function loadSnapshot(trx: Transaction<Database>, settings: AcdSettings): Promise<AcdState> {
  const agentRows = await trx.selectFrom('agent_states').innerJoin('users', 'users.id', 'agent_states.user_id')
    .select(['agent_states.user_id', 'agent_states.state', 'agent_states.pause_reason', 'agent_states.state_since', 'agent_states.idle_since', 'users.capacity'])
    .execute();
  const contactRows = await trx.selectFrom('contacts')
    .select(['id', 'queue_id', 'status', 'queued_at', 'priority', 'agent_id', 'offer_count', 'declined_by'])
    .where('status', 'in', ['queued', 'offered', 'assigned']).execute();
  const offerRows = await trx.selectFrom('offers').selectAll().where('status', '=', 'open').execute();

  const agents: Record<string, Agent> = {};
  for (const r of agentRows) {
    agents[r.user_id] = { id: r.user_id, state: r.state, pauseReason: r.pause_reason, stateSince: r.state_since, idleSince: r.idle_since, capacity: r.capacity };
  }
  const contacts: Record<string, Contact> = {};
  for (const r of contactRows) {
    contacts[r.id] = {
      id: r.id, queueId: r.queue_id, status: r.status, queuedAt: r.queued_at, priority: r.priority, agentId: r.agent_id,
      offerCount: r.offer_count, declinedBy: JSON.parse(r.declined_by) as string[],
    };
  }
  const offers: Record<string, Offer> = {};
  for (const r of offerRows) offers[r.id] = { id: r.id, contactId: r.contact_id, agentId: r.agent_id, createdAt: r.created_at, expiresAt: r.expires_at };
  return { agents, contacts, offers, settings };
}

/** Writes what changed between two snapshots. Offers that disappeared are resolved by the effects. */
export async function persistSnapshot(trx: Transaction<Database>, before: AcdState, after: AcdState, now: number): Promise<void> {
  for (const a of Object.values(after.agents)) {
    const b = before.agents[a.id];
    if (b && b.state === a.state && b.pauseReason === a.pauseReason && b.idleSince === a.idleSince && b.stateSince === a.stateSince) continue;
    await trx.updateTable('agent_states').set({ state: a.state, pause_reason: a.pauseReason, state_since: a.stateSince, idle_since: a.idleSince, updated_at: now })
      .where('user_id', '=', a.id).execute();
  }
  for (const c of Object.values(after.contacts)) {
    const b = before.contacts[c.id];
    if (b && b.status === c.status && b.agentId === c.agentId && b.offerCount === c.offerCount && b.declinedBy.length === c.declinedBy.length && b.priority === c.priority && b.queueId === c.queueId) continue;
    await trx.updateTable('contacts').set({
      status: c.status, agent_id: c.agentId, offer_count: c.offerCount, declined_by: JSON.stringify(c.declinedBy), priority: c.priority, queue_id: c.queueId,
      updated_at: now,
      ...(c.status === 'assigned' && b?.status !== 'assigned' ? { assigned_at: now } : {}),
      ...(c.status === 'closed' ? { closed_at: now } : {}),
    }).where('id', '=', c.id).execute();
  }
  for (const o of Object.values(after.offers)) {
    if (before.offers[o.id]) continue;
    await trx.insertInto('offers').values({ id: o.id, contact_id: o.contactId, agent_id: o.agentId, status: 'open', created_at: o.createdAt, expires_at: o.expiresAt, resolved_at: null }).execute();
  }
}

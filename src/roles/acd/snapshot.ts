import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { AcdSettings, AcdState, Agent, Contact, Offer, QueueStats } from '../../core/acd/types.js';
import type { ContactData, Destination } from '../../core/routing/model.js';
import { loadRoutingConfig } from '../../storage/repositories/routing-config.js';

/** Loads the part of the database the queue engine decides over: configuration, agents, open contacts, open offers. */
const CONTACT_COLUMNS = ['id', 'entrance_id', 'area_id', 'queue_id', 'personal_agent_id', 'status', 'routing', 'queued_at', 'dest_entered_at', 'priority', 'agent_id', 'offer_count',
  'declined_by', 'task_type_id', 'route', 'route_index', 'due_at', 'out_of_hours', 'previous_agent_id', 'end_reason', 'contact_data', 'in_reply_to', 'references_ids',
  'parked', 'parked_at', 'park_remind_at'] as const;

type Db = Kysely<Database> | Transaction<Database>;

/** Loads the part of the database the queue engine decides over: configuration, agents, open contacts, open offers. */
export async function loadSnapshot(trx: Db, settings: AcdSettings, now: number): Promise<AcdState> {
  const config = await loadRoutingConfig(trx);
  const agentRows = await trx.selectFrom('agent_states').innerJoin('users', 'users.id', 'agent_states.user_id')
    .select(['agent_states.user_id', 'agent_states.state', 'agent_states.pause_reason', 'agent_states.state_since', 'agent_states.idle_since', 'users.capacity',
      'agent_states.pending_pause', 'agent_states.wrap_up_until'])
    .execute();
  const contacts = await loadContacts(trx, (q) => q.where('status', 'in', ['queued', 'offered', 'assigned']));
  const offerRows = await trx.selectFrom('offers').selectAll().where('status', '=', 'open').execute();

  const agents: Record<string, Agent> = {};
  for (const r of agentRows) {
    agents[r.user_id] = {
      id: r.user_id, state: r.state, pauseReason: r.pause_reason, stateSince: r.state_since, idleSince: r.idle_since, capacity: r.capacity,
      pendingPause: r.pending_pause ? JSON.parse(r.pending_pause) as { reason: string | null } : null, wrapUpUntil: r.wrap_up_until,
    };
  }
  const offers: Record<string, Offer> = {};
  for (const r of offerRows) offers[r.id] = { id: r.id, contactId: r.contact_id, agentId: r.agent_id, createdAt: r.created_at, expiresAt: r.expires_at };
  return { agents, contacts: Object.fromEntries(contacts.map((c) => [c.id, c])), offers, settings, config, stats: await queueStats(trx, now) };
}

type ContactQuery = ReturnType<typeof contactQuery>;
const contactQuery = (db: Db) => db.selectFrom('contacts').select([...CONTACT_COLUMNS]);

/** Contact records as the engine sees them; a pending follow-up without a known agent looks its thread up once. */
export async function loadContacts(db: Db, where: (q: ContactQuery) => ContactQuery): Promise<Contact[]> {
  const rows = await where(contactQuery(db)).execute();
  const out: Contact[] = [];
  for (const r of rows) {
    const data = JSON.parse(r.contact_data) as ContactData;
    const c: Contact = {
      id: r.id, entranceId: r.entrance_id, areaId: r.area_id, queueId: r.queue_id, personalAgentId: r.personal_agent_id, status: r.status, routing: r.routing,
      queuedAt: r.queued_at, destEnteredAt: r.dest_entered_at ?? r.queued_at, priority: r.priority, agentId: r.agent_id, offerCount: r.offer_count,
      declinedBy: JSON.parse(r.declined_by) as string[], taskTypeId: r.task_type_id, route: JSON.parse(r.route) as Destination[], routeIndex: r.route_index,
      dueAt: r.due_at, outOfHours: r.out_of_hours === 1, previousAgentId: r.previous_agent_id ?? previousAgentFromData(data), endReason: r.end_reason, data,
      parked: r.parked === 1, parkedAt: r.parked_at, remindAt: r.park_remind_at,
    };
    if (c.routing === 'pending' && !c.previousAgentId && (r.in_reply_to || r.references_ids !== '[]')) c.previousAgentId = await previousAgentByThread(db, r);
    out.push(c);
  }
  return out;
}

/** A new contact's record as loadContacts() reads it back: what the email server hands over. */
export function newContactRecord(c: { id: string; entranceId: string; queueId: string; priority: number; queuedAt: number; previousAgentId: string | null; contactData: ContactData }): Contact {
  return {
    id: c.id, entranceId: c.entranceId, areaId: null, queueId: c.queueId, personalAgentId: null, status: 'queued', routing: 'pending',
    queuedAt: c.queuedAt, destEnteredAt: c.queuedAt, priority: c.priority, agentId: null, offerCount: 0, declinedBy: [], taskTypeId: null,
    route: [], routeIndex: -1, dueAt: null, outOfHours: false, previousAgentId: c.previousAgentId ?? previousAgentFromData(c.contactData), endReason: null,
    data: c.contactData, parked: false, parkedAt: null, remindAt: null,
  };
}

/** Follow-ups: the analysis stage (issue 4) sets contact data `followUp: true` + `previousAgentId`. */
function previousAgentFromData(d: ContactData): string | null {
  return d.followUp === true && typeof d.previousAgentId === 'string' ? d.previousAgentId : null;
}

/**
 * Threading fallback for follow-ups: a reply whose In-Reply-To or References names the Message-ID of
 * an earlier contact on the same entrance returns to the agent who handled that contact.
 */
export async function previousAgentByThread(trx: Db, r: { entrance_id: string; in_reply_to: string | null; references_ids: string }): Promise<string | null> {
  const ids = [...(r.in_reply_to ? [r.in_reply_to] : []), ...(JSON.parse(r.references_ids) as string[])].slice(0, 50);
  if (ids.length === 0) return null;
  const variants = [...new Set(ids.flatMap((id) => [id, id.replace(/^<|>$/g, ''), `<${id.replace(/^<|>$/g, '')}>`]))];
  const prev = await trx.selectFrom('contacts').select(['agent_id']).where('entrance_id', '=', r.entrance_id).where('message_id', 'in', variants)
    .where('agent_id', 'is not', null).orderBy('assigned_at', 'desc').executeTakeFirst();
  return prev?.agent_id ?? null;
}

/** Average handling time per queue over the last 8 hours of handled (closed, not unhandled) contacts (estimated queue time), aggregated in SQL. */
export async function queueStats(trx: Db, now: number): Promise<Record<string, QueueStats>> {
  const rows = await trx.selectFrom('contacts')
    .select(['queue_id', (eb) => eb.fn.countAll<number>().as('n'), sql<number>`sum(closed_at - assigned_at)`.as('ms')])
    .where('status', '=', 'closed').where('closed_at', '>', now - 8 * 3_600_000).where('assigned_at', 'is not', null)
    .where('unhandled_reason', 'is', null) // closed unhandled is not handling time
    .groupBy('queue_id').execute();
  return Object.fromEntries(rows.filter((r) => Number(r.n) > 0).map((r) => [r.queue_id, { avgHandleMs: Math.max(0, Number(r.ms)) / Number(r.n) }]));
}

/** A contact as a group of decisions left it, with the times it became assigned or closed in that group. */
export interface ContactWrite { c: Contact; at: number; assignedAt?: number; closedAt?: number }

export async function persistAgent(trx: Transaction<Database>, a: Agent, now: number): Promise<void> {
  await trx.updateTable('agent_states').set({
    state: a.state, pause_reason: a.pauseReason, state_since: a.stateSince, idle_since: a.idleSince, updated_at: now,
    pending_pause: a.pendingPause ? JSON.stringify(a.pendingPause) : null, wrap_up_until: a.wrapUpUntil,
  }).where('user_id', '=', a.id).execute();
}

export async function persistContact(trx: Transaction<Database>, { c, at, assignedAt, closedAt }: ContactWrite): Promise<void> {
  await trx.updateTable('contacts').set({
    status: c.status, agent_id: c.agentId, offer_count: c.offerCount, declined_by: JSON.stringify(c.declinedBy), priority: c.priority, queue_id: c.queueId,
    area_id: c.areaId, personal_agent_id: c.personalAgentId, routing: c.routing, queued_at: c.queuedAt, dest_entered_at: c.destEnteredAt,
    task_type_id: c.taskTypeId, route: JSON.stringify(c.route), route_index: c.routeIndex, due_at: c.dueAt, out_of_hours: c.outOfHours ? 1 : 0,
    previous_agent_id: c.previousAgentId, end_reason: c.endReason, updated_at: at,
    parked: c.parked ? 1 : 0, parked_at: c.parkedAt ?? null, park_remind_at: c.remindAt ?? null,
    ...(c.wrapUpCode !== undefined ? { wrap_up_code: c.wrapUpCode } : {}), ...(c.unhandledReason !== undefined ? { unhandled_reason: c.unhandledReason } : {}),
    ...(assignedAt !== undefined ? { assigned_at: assignedAt } : {}),
    ...(closedAt !== undefined ? { closed_at: closedAt } : {}),
  }).where('id', '=', c.id).execute();
}

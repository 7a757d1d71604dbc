import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { listContacts } from './contacts.js';

/** Reads for the agent desktop: names beside contact summaries, the customer history, the agent's day. */

/** Adds the entrance name and the task type (with its wrap-up codes) to contact summaries. */
export async function withNames<T extends { entranceId: string; taskTypeId: string | null }>(db: Kysely<Database>, items: T[]) {
  const entranceIds = [...new Set(items.map((c) => c.entranceId))];
  const taskTypeIds = [...new Set(items.map((c) => c.taskTypeId).filter((id): id is string => !!id))];
  const [entrances, taskTypes] = await Promise.all([
    entranceIds.length ? db.selectFrom('entrances').select(['id', 'name']).where('id', 'in', entranceIds).execute() : [],
    taskTypeIds.length ? db.selectFrom('task_types').select(['id', 'name', 'wrap_up_codes']).where('id', 'in', taskTypeIds).execute() : [],
  ]);
  const entranceName = new Map(entrances.map((e) => [e.id, e.name]));
  const taskType = new Map(taskTypes.map((t) => [t.id, { id: t.id, name: t.name, wrapUpCodes: JSON.parse(t.wrap_up_codes) as string[] }]));
  return items.map((c) => ({ ...c, entranceName: entranceName.get(c.entranceId) ?? c.entranceId, taskType: c.taskTypeId ? taskType.get(c.taskTypeId) ?? null : null }));
}

/**
 * Who sees which contact in the history: supervisors and admins every contact; an agent the
 * contacts they hold or handled (agent, or previous agent of a follow-up), those waiting in
 * their personal queue, and those in a queue or waiting list they may serve.
 */
export type Visibility = { all: true } | { all: false; agentId: string; queueIds: string[] };

/** The visibility rule as a where-clause (true for supervisors). */
const visibleTo = (v: Visibility) => (eb: ExpressionBuilder<Database, 'contacts'>) => (v.all ? eb.lit(true) : eb.or([
  eb('contacts.agent_id', '=', v.agentId),
  eb('contacts.previous_agent_id', '=', v.agentId),
  eb('contacts.personal_agent_id', '=', v.agentId),
  ...(v.queueIds.length ? [eb('contacts.queue_id', 'in', v.queueIds)] : []),
]));

export async function isVisible(db: Kysely<Database>, contactId: string, v: Visibility): Promise<boolean> {
  return !!(await db.selectFrom('contacts').select('contacts.id').where('contacts.id', '=', contactId).where(visibleTo(v)).executeTakeFirst());
}

async function summariesByIds(db: Kysely<Database>, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await listContacts(db, { ids, limit: ids.length });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!).filter(Boolean);
}

/** Earlier contacts of the same sender (other than this one), newest first. */
export async function senderHistory(db: Kysely<Database>, contactId: string, address: string, v: Visibility, limit: number) {
  const rows = await db.selectFrom('contacts').select('contacts.id')
    .where(sql<string>`lower(contacts.from_address)`, '=', address.toLowerCase()).where('contacts.id', '!=', contactId).where(visibleTo(v))
    .orderBy('contacts.created_at', 'desc').orderBy('contacts.id', 'desc').limit(limit).execute();
  return summariesByIds(db, rows.map((r) => r.id));
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Search by sender address, subject or case number ("#12" or "12"), newest first. */
export async function searchHistory(db: Kysely<Database>, text: string, v: Visibility, limit: number) {
  const needle = `%${likeEscape(text.trim().toLowerCase())}%`;
  const num = /^#?(\d{1,15})$/.exec(text.trim());
  const rows = await db.selectFrom('contacts').select('contacts.id').where(visibleTo(v)).where((eb) => eb.or([
    eb(sql<string>`lower(contacts.from_address)`, 'like', sql<string>`${needle} escape '\\'`),
    eb(sql<string>`lower(contacts.subject)`, 'like', sql<string>`${needle} escape '\\'`),
    ...(num ? [eb('contacts.case_number', '=', Number(num[1]))] : []),
  ])).orderBy('contacts.created_at', 'desc').orderBy('contacts.id', 'desc').limit(limit).execute();
  return summariesByIds(db, rows.map((r) => r.id));
}

/** Contacts the agent closed in [from, to): handled (with handling time assigned → closed) and closed unhandled. */
export async function dayFigures(db: Kysely<Database>, agentId: string, from: number, to: number) {
  const rows = await db.selectFrom('contacts').select(['assigned_at', 'closed_at', 'unhandled_reason'])
    .where('agent_id', '=', agentId).where('status', '=', 'closed').where('closed_at', '>=', from).where('closed_at', '<', to).execute();
  const handled = rows.filter((r) => !r.unhandled_reason);
  const times = handled.filter((r) => r.assigned_at !== null && r.closed_at !== null).map((r) => r.closed_at! - r.assigned_at!);
  return {
    handled: handled.length,
    closedUnhandled: rows.length - handled.length,
    averageHandlingSeconds: times.length ? Math.round(times.reduce((a, b) => a + b, 0) / times.length / 1000) : null,
  };
}

import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { wrapUpFromDb } from './routing-config.js';

/** Rows of the routing model as API views. */
type Row<T extends keyof Database> = { [K in keyof Database[T]]: Database[T][K] extends { __select__: infer S } ? S : Database[T][K] };

export const toAreaView = (a: Row<'areas'>) => ({
  id: a.id, name: a.name, defaultWrapUp: wrapUpFromDb(a.default_wrap_up_seconds) ?? 0, followUpPreferredSeconds: a.follow_up_preferred_seconds,
  noRoutingQueueId: a.no_routing_queue_id, pauseReasons: JSON.parse(a.pause_reasons) as string[], maxParked: a.max_parked,
});

export const toSkillView = (s: Row<'skills'>) => ({ id: s.id, areaId: s.area_id, name: s.name, kind: s.kind });

export async function queueDefs(db: Kysely<Database>, id?: string) {
  let q = db.selectFrom('queues').selectAll().orderBy('name');
  if (id) q = q.where('id', '=', id);
  return (await q.execute()).map((r) => ({
    id: r.id, name: r.name, areaId: r.area_id, kind: r.kind, requirement: r.requirement,
    relaxation: JSON.parse(r.relaxation) as { afterSeconds: number; lowerLevelsBy: number; drop: string[] }[],
    priorityTier: r.priority_tier, sortOrder: r.sort_order, weight: r.weight, agentSelection: r.agent_selection, sl1Minutes: r.sl1_minutes, sl2Minutes: r.sl2_minutes,
  }));
}

export const toTaskTypeView = (t: Row<'task_types'>) => ({
  id: t.id, areaId: t.area_id, name: t.name, wrapUp: wrapUpFromDb(t.wrap_up_seconds), wrapUpCodes: JSON.parse(t.wrap_up_codes) as string[],
});

export async function agentSettingsView(db: Kysely<Database>, userId: string) {
  const u = await db.selectFrom('users').leftJoin('agent_settings', 'agent_settings.user_id', 'users.id')
    .select(['users.id', 'users.username', 'users.skills', 'users.capacity', 'agent_settings.area_id', 'agent_settings.groups', 'agent_settings.auto_accept', 'agent_settings.wrap_up_seconds', 'agent_settings.forced_queue_ids'])
    .where('users.id', '=', userId).executeTakeFirst();
  if (!u) return null;
  return {
    id: u.id, username: u.username, areaId: u.area_id ?? 'default', skills: JSON.parse(u.skills) as Record<string, number>,
    groups: u.groups ? JSON.parse(u.groups) as string[] : [], capacity: u.capacity, autoAccept: u.auto_accept === 1,
    wrapUp: wrapUpFromDb(u.wrap_up_seconds ?? null), forcedQueueIds: u.forced_queue_ids ? JSON.parse(u.forced_queue_ids) as string[] : [],
  };
}

/** Creates the agent's settings row with defaults when missing, then applies the changes. */
export async function upsertAgentSettings(db: Kysely<Database>, userId: string, set: Partial<{ area_id: string; groups: string; auto_accept: number; wrap_up_seconds: number | null; forced_queue_ids: string }>): Promise<void> {
  await db.insertInto('agent_settings').values({ user_id: userId, area_id: 'default', groups: '[]', auto_accept: 0, wrap_up_seconds: null, forced_queue_ids: '[]' })
    .onConflict((oc) => oc.column('user_id').doNothing()).execute();
  if (Object.keys(set).length) await db.updateTable('agent_settings').set(set).where('user_id', '=', userId).execute();
}

/** Service levels and waiting figures per queue over a window (statistics read contacts and events). */
export async function queueMonitor(db: Kysely<Database>, now: number, windowMs: number) {
  const [queues, open, answered] = await Promise.all([
    queueDefs(db),
    db.selectFrom('contacts').select(['queue_id', 'status', 'queued_at', 'personal_agent_id']).where('status', 'in', ['queued', 'offered', 'assigned']).execute(),
    db.selectFrom('contacts').select(['queue_id', 'queued_at', 'assigned_at']).where('assigned_at', '>', now - windowMs).execute(),
  ]);
  return queues.map((q) => {
    const mine = open.filter((c) => c.queue_id === q.id && !c.personal_agent_id);
    const waiting = mine.filter((c) => c.status === 'queued');
    const done = answered.filter((c) => c.queue_id === q.id && c.assigned_at !== null);
    const waits = done.map((c) => (c.assigned_at! - c.queued_at) / 60_000);
    const share = (limit: number) => (waits.length ? waits.filter((w) => w <= limit).length / waits.length : null);
    return {
      id: q.id, name: q.name, areaId: q.areaId, kind: q.kind, waiting: waiting.length, offered: mine.filter((c) => c.status === 'offered').length,
      assigned: mine.filter((c) => c.status === 'assigned').length,
      longestWaitSeconds: waiting.length ? Math.round((now - Math.min(...waiting.map((c) => c.queued_at))) / 1000) : 0,
      established: waits.length, sl1Minutes: q.sl1Minutes, sl2Minutes: q.sl2Minutes, sl1Achieved: share(q.sl1Minutes), sl2Achieved: share(q.sl2Minutes),
    };
  });
}

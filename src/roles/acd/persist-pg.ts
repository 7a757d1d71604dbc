import { sql, type Transaction } from 'kysely';
import type { Agent } from '../../core/acd/types.js';
import type { Database } from '../../storage/schema.js';
import type { ContactWrite } from './snapshot.js';

/**
 * PostgreSQL: a group's contacts and agents, each table in ONE statement (an update joined to
 * json_to_recordset), instead of one round trip per row. Same columns and rules as persistContact
 * and persistAgent: wrap-up code and unhandled reason only when set, assigned_at / closed_at only
 * when the contact became assigned / closed in the group.
 */
export async function persistContactsPg(trx: Transaction<Database>, writes: ContactWrite[]): Promise<void> {
  const rows = writes.map(({ c, at, assignedAt, closedAt }) => ({
    id: c.id, status: c.status, agent_id: c.agentId, offer_count: c.offerCount, declined_by: JSON.stringify(c.declinedBy), priority: c.priority, queue_id: c.queueId,
    area_id: c.areaId, personal_agent_id: c.personalAgentId, routing: c.routing, queued_at: c.queuedAt, dest_entered_at: c.destEnteredAt,
    task_type_id: c.taskTypeId, route: JSON.stringify(c.route), route_index: c.routeIndex, due_at: c.dueAt, out_of_hours: c.outOfHours ? 1 : 0,
    previous_agent_id: c.previousAgentId, end_reason: c.endReason, updated_at: at, parked: c.parked ? 1 : 0, parked_at: c.parkedAt ?? null, park_remind_at: c.remindAt ?? null,
    set_wrap: c.wrapUpCode !== undefined, wrap_up_code: c.wrapUpCode ?? null, set_unhandled: c.unhandledReason !== undefined, unhandled_reason: c.unhandledReason ?? null,
    assigned_at: assignedAt ?? null, closed_at: closedAt ?? null,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await sql`update contacts as t set status = v.status, agent_id = v.agent_id, offer_count = v.offer_count, declined_by = v.declined_by, priority = v.priority,
      queue_id = v.queue_id, area_id = v.area_id, personal_agent_id = v.personal_agent_id, routing = v.routing, queued_at = v.queued_at, dest_entered_at = v.dest_entered_at,
      task_type_id = v.task_type_id, route = v.route, route_index = v.route_index, due_at = v.due_at, out_of_hours = v.out_of_hours, previous_agent_id = v.previous_agent_id,
      end_reason = v.end_reason, updated_at = v.updated_at, parked = v.parked, parked_at = v.parked_at, park_remind_at = v.park_remind_at,
      wrap_up_code = case when v.set_wrap then v.wrap_up_code else t.wrap_up_code end,
      unhandled_reason = case when v.set_unhandled then v.unhandled_reason else t.unhandled_reason end,
      assigned_at = coalesce(v.assigned_at, t.assigned_at), closed_at = coalesce(v.closed_at, t.closed_at)
    from json_to_recordset(${JSON.stringify(rows.slice(i, i + 500))}::json) as v(id text, status text, agent_id text, offer_count integer, declined_by text,
      priority integer, queue_id text, area_id text, personal_agent_id text, routing text, queued_at bigint, dest_entered_at bigint, task_type_id text, route text,
      route_index integer, due_at bigint, out_of_hours integer, previous_agent_id text, end_reason text, updated_at bigint, parked integer, parked_at bigint,
      park_remind_at bigint, set_wrap boolean, wrap_up_code text, set_unhandled boolean, unhandled_reason text, assigned_at bigint, closed_at bigint)
    where t.id = v.id`.execute(trx);
  }
}

export async function persistAgentsPg(trx: Transaction<Database>, writes: { a: Agent; at: number }[]): Promise<void> {
  const rows = writes.map(({ a, at }) => ({
    user_id: a.id, state: a.state, pause_reason: a.pauseReason, state_since: a.stateSince, idle_since: a.idleSince, updated_at: at,
    pending_pause: a.pendingPause ? JSON.stringify(a.pendingPause) : null, wrap_up_until: a.wrapUpUntil,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await sql`update agent_states as t set state = v.state, pause_reason = v.pause_reason, state_since = v.state_since, idle_since = v.idle_since,
      updated_at = v.updated_at, pending_pause = v.pending_pause, wrap_up_until = v.wrap_up_until
    from json_to_recordset(${JSON.stringify(rows.slice(i, i + 500))}::json) as v(user_id text, state text, pause_reason text, state_since bigint, idle_since bigint,
      updated_at bigint, pending_pause text, wrap_up_until bigint)
    where t.user_id = v.user_id`.execute(trx);
  }
}

import { sql, type Kysely, type ColumnDefinitionBuilder } from 'kysely';
import type { DialectName } from '../db.js';

type Col = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
const notNull: Col = (c) => c.notNull();

/**
 * The routing model (issue 3): areas, skills and groups, queue settings, task types and their
 * assignment table, routing rules with ordered destinations, opening hours, agent settings, the
 * contact's route position and timers, the queue-engine leader lease. Timers are the due times
 * stored on their records (offers.expires_at, agent_states.wrap_up_until, contacts.due_at), so
 * they survive restarts. Existing data lands in the 'default' area.
 */
export async function m003Routing(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  const now = Date.now();
  await db.schema.createTable('areas')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('default_wrap_up_seconds', 'integer', (c) => c.notNull().defaultTo(0)) // -1 = unlimited
    .addColumn('follow_up_preferred_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('no_routing_queue_id', 'text')
    .addColumn('pause_reasons', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'bigint', notNull)
    .execute();
  await db.schema.createTable('skills')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area_id', 'text', (c) => c.notNull().references('areas.id'))
    .addColumn('name', 'text', notNull)
    .addColumn('kind', 'text', notNull)
    .addColumn('created_at', 'bigint', notNull)
    .addUniqueConstraint('skills_area_name', ['area_id', 'kind', 'name'])
    .execute();

  const q = (name: string, type: 'text' | 'integer', def: string | number) =>
    db.schema.alterTable('queues').addColumn(name, type, (c) => c.notNull().defaultTo(def)).execute();
  await q('area_id', 'text', 'default');
  await q('kind', 'text', 'skill');
  await q('requirement', 'text', '');
  await q('relaxation', 'text', '[]');
  await q('priority_tier', 'integer', 1);
  await q('sort_order', 'text', 'highest-priority'); // priority, then longest waiting: the backbone's order
  await q('weight', 'integer', 1);
  await q('agent_selection', 'text', 'longest-idle');
  await q('sl1_minutes', 'integer', 60);
  await q('sl2_minutes', 'integer', 240);

  await db.schema.alterTable('entrances').addColumn('area_id', 'text', (c) => c.notNull().defaultTo('default')).execute();
  await db.schema.alterTable('entrances').addColumn('hours', 'text').execute();
  // 1: mail matching no routing rule waits in the entrance's queue (the backbone's behaviour); 0: the area's no-routing queue.
  await db.schema.alterTable('entrances').addColumn('fallback_to_queue', 'integer', (c) => c.notNull().defaultTo(1)).execute();

  await db.schema.createTable('task_types')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area_id', 'text', (c) => c.notNull().references('areas.id'))
    .addColumn('name', 'text', notNull)
    .addColumn('wrap_up_seconds', 'integer') // null = area default, -1 = unlimited
    .addColumn('created_at', 'bigint', notNull)
    .addUniqueConstraint('task_types_area_name', ['area_id', 'name'])
    .execute();
  await db.schema.createTable('task_type_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area_id', 'text', (c) => c.notNull().references('areas.id'))
    .addColumn('position', 'integer', notNull)
    .addColumn('criteria', 'text', notNull)
    .addColumn('task_type_id', 'text', (c) => c.notNull().references('task_types.id'))
    .execute();
  await db.schema.createTable('routing_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area_id', 'text', (c) => c.notNull().references('areas.id'))
    .addColumn('position', 'integer', notNull)
    .addColumn('criteria', 'text', notNull)
    .addColumn('destinations', 'text', notNull)
    .execute();

  await db.schema.createTable('agent_settings')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('area_id', 'text', (c) => c.notNull().defaultTo('default'))
    .addColumn('groups', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('auto_accept', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('wrap_up_seconds', 'integer') // null = task type / area, -1 = unlimited
    .addColumn('forced_queue_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('agent_states').addColumn('pending_pause', 'text').execute();
  await db.schema.alterTable('agent_states').addColumn('wrap_up_until', 'bigint').execute();

  const c = (name: string, type: 'text' | 'integer' | 'bigint', def?: string | number) =>
    db.schema.alterTable('contacts').addColumn(name, type, (col) => (def === undefined ? col : col.notNull().defaultTo(def))).execute();
  await c('area_id', 'text');
  await c('task_type_id', 'text');
  await c('personal_agent_id', 'text');
  await c('routing', 'text', 'pending');
  await c('route', 'text', '[]');
  await c('route_index', 'integer', -1);
  await c('dest_entered_at', 'bigint');
  await c('due_at', 'bigint');
  await c('out_of_hours', 'integer', 0);
  await c('previous_agent_id', 'text');
  await c('end_reason', 'text');
  await db.schema.createIndex('contacts_message_id').on('contacts').columns(['entrance_id', 'message_id']).execute();

  await db.schema.createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', notNull)
    .addColumn('expires_at', 'bigint', notNull)
    .execute();

  // Existing data: the default area with its no-routing queue; existing contacts count as routed.
  const raw = db as unknown as Kysely<any>;
  await raw.insertInto('queues').values({ id: 'default-no-routing', name: 'No routing (Default)', created_at: now, kind: 'no-routing' }).execute();
  await raw.insertInto('areas').values({ id: 'default', name: 'Default', no_routing_queue_id: 'default-no-routing', pause_reasons: JSON.stringify(['lunch', 'meeting', 'training']), created_at: now }).execute();
  await raw.updateTable('contacts').set({ routing: 'routed', area_id: 'default', dest_entered_at: sql`queued_at` }).execute();
}

import type { Kysely } from 'kysely';
import type { DialectName } from '../db.js';

/**
 * Agent actions (issue 7): parking (a parked contact stays the agent's but frees its capacity
 * unit; an optional reminder time is a timer the queue engine sweeps), wrap-up codes per task
 * type and on the closed contact, closing unhandled with a reason, and a per-area maximum of
 * parked contacts. Indexes for the customer history (by sender) and the agent's day figures.
 */
export async function m007AgentActions(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('parked', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('contacts').addColumn('parked_at', 'bigint').execute();
  await db.schema.alterTable('contacts').addColumn('park_remind_at', 'bigint').execute();
  await db.schema.alterTable('contacts').addColumn('wrap_up_code', 'text').execute();
  await db.schema.alterTable('contacts').addColumn('unhandled_reason', 'text').execute();
  await db.schema.alterTable('areas').addColumn('max_parked', 'integer', (c) => c.notNull().defaultTo(5)).execute();
  await db.schema.alterTable('task_types').addColumn('wrap_up_codes', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.createIndex('contacts_from_address').on('contacts').columns(['from_address', 'created_at']).execute();
  await db.schema.createIndex('contacts_agent_closed').on('contacts').columns(['agent_id', 'closed_at']).execute();
  await db.schema.createIndex('events_agent').on('events').columns(['agent_id', 'id']).execute();
  // The payload pushed to agents' event sockets (without id, which is the row's id); null = not pushed.
  await db.schema.alterTable('events').addColumn('push', 'text').execute();
}

import type { Kysely, ColumnDefinitionBuilder } from 'kysely';
import type { DialectName } from '../db.js';

type Col = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
const notNull: Col = (c) => c.notNull();

export async function m001Backbone(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  const serial = (t: string) => db.schema.createTable(t).addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()));

  await db.schema.createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', notNull)
    .addColumn('password_hash', 'text', notNull)
    .addColumn('role', 'text', notNull)
    .addColumn('email', 'text')
    .addColumn('skills', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('capacity', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await db.schema.createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('expires_at', 'bigint', notNull)
    .execute();

  await db.schema.createTable('smtp_servers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('host', 'text', notNull)
    .addColumn('port', 'integer', notNull)
    .addColumn('security', 'text', notNull)
    .addColumn('auth_user', 'text')
    .addColumn('auth_secret', 'text')
    .addColumn('auth_method', 'text')
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await db.schema.createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('address', 'text', (c) => c.notNull().unique())
    .addColumn('protocol', 'text', notNull)
    .addColumn('host', 'text', notNull)
    .addColumn('port', 'integer', notNull)
    .addColumn('security', 'text', notNull)
    .addColumn('username', 'text')
    .addColumn('password_secret', 'text')
    .addColumn('mailbox', 'text', (c) => c.notNull().defaultTo('INBOX'))
    .addColumn('after_import', 'text', (c) => c.notNull().defaultTo('seen'))
    .addColumn('move_to', 'text')
    .addColumn('poll_interval_seconds', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('smtp_server_id', 'text', (c) => c.references('smtp_servers.id'))
    .addColumn('return_address', 'text')
    .addColumn('alternative_addresses', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('health_state', 'text', (c) => c.notNull().defaultTo('idle'))
    .addColumn('health_last_success_at', 'bigint')
    .addColumn('health_last_error', 'text')
    .addColumn('health_last_error_at', 'bigint')
    .addColumn('health_updated_at', 'bigint')
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await db.schema.createTable('account_cursors')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('mailbox', 'text', notNull)
    .addColumn('uidvalidity', 'bigint', notNull)
    .addColumn('last_uid', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await db.schema.createTable('queues')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', notNull)
    .execute();

  await db.schema.createTable('entrances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'text', (c) => c.unique().references('accounts.id').onDelete('set null'))
    .addColumn('queue_id', 'text', (c) => c.notNull().references('queues.id'))
    .addColumn('created_at', 'bigint', notNull)
    .execute();

  await serial('inbound_messages')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('uidvalidity', 'bigint')
    .addColumn('uid', 'bigint')
    .addColumn('raw', blob, notNull)
    .addColumn('size', 'integer', notNull)
    .addColumn('sha256', 'text', notNull)
    .addColumn('stored_at', 'bigint', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('source_action', 'text', notNull)
    .addColumn('claimed_by', 'text')
    .addColumn('claim_expires_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('contact_id', 'text')
    .addColumn('error', 'text')
    .addColumn('processed_at', 'bigint')
    .addUniqueConstraint('inbound_messages_source_uid', ['account_id', 'uidvalidity', 'uid'])
    .execute();
  await db.schema.createIndex('inbound_messages_status').on('inbound_messages').columns(['status', 'id']).execute();
  await db.schema.createIndex('inbound_messages_source_action').on('inbound_messages').columns(['account_id', 'source_action']).execute();

  await db.schema.createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entrance_id', 'text', (c) => c.notNull().references('entrances.id'))
    .addColumn('queue_id', 'text', (c) => c.notNull().references('queues.id'))
    .addColumn('inbound_message_id', 'bigint')
    .addColumn('dedupe_key', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('message_id', 'text')
    .addColumn('subject', 'text', notNull)
    .addColumn('from_address', 'text')
    .addColumn('from_name', 'text')
    .addColumn('to_addresses', 'text', notNull)
    .addColumn('cc_addresses', 'text', notNull)
    .addColumn('reply_to', 'text', notNull)
    .addColumn('sent_date', 'bigint')
    .addColumn('in_reply_to', 'text')
    .addColumn('references_ids', 'text', notNull)
    .addColumn('text_body', 'text', notNull)
    .addColumn('html_body', 'text')
    .addColumn('attachments', 'text', notNull)
    .addColumn('contact_data', 'text', notNull)
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('queued_at', 'bigint', notNull)
    .addColumn('agent_id', 'text', (c) => c.references('users.id'))
    .addColumn('offer_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('declined_by', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('assigned_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .addUniqueConstraint('contacts_entrance_dedupe', ['entrance_id', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('contacts_status_queue').on('contacts').columns(['status', 'queue_id', 'queued_at']).execute();
  await db.schema.createIndex('contacts_agent').on('contacts').columns(['agent_id', 'status']).execute();

  await db.schema.createTable('offers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('agent_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('status', 'text', notNull)
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('expires_at', 'bigint', notNull)
    .addColumn('resolved_at', 'bigint')
    .execute();
  await db.schema.createIndex('offers_status').on('offers').columns(['status', 'expires_at']).execute();

  await db.schema.createTable('agent_states')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('state', 'text', notNull)
    .addColumn('pause_reason', 'text')
    .addColumn('state_since', 'bigint', notNull)
    .addColumn('idle_since', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await serial('outbox')
    .addColumn('kind', 'text', notNull)
    .addColumn('contact_id', 'text')
    .addColumn('account_id', 'text')
    .addColumn('envelope_from', 'text', notNull)
    .addColumn('envelope_to', 'text', notNull)
    .addColumn('raw', blob, notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', notNull)
    .addColumn('last_error', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claim_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('outbox_status').on('outbox').columns(['status', 'next_attempt_at']).execute();

  await serial('quarantine')
    .addColumn('inbound_message_id', 'bigint')
    .addColumn('account_id', 'text')
    .addColumn('reason_code', 'text', notNull)
    .addColumn('reason', 'text', notNull)
    .addColumn('created_at', 'bigint', notNull)
    .execute();

  await serial('events')
    .addColumn('at', 'bigint', notNull)
    .addColumn('type', 'text', notNull)
    .addColumn('contact_id', 'text')
    .addColumn('agent_id', 'text')
    .addColumn('data', 'text', notNull)
    .execute();
  await db.schema.createIndex('events_contact').on('events').columns(['contact_id', 'id']).execute();

  await db.schema.createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', notNull)
    .execute();
}

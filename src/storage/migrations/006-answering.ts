import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { DialectName } from '../db.js';

type Col = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
const notNull: Col = (c) => c.notNull();

/**
 * Answering on the server (issue 7): drafts per contact and agent, uploaded attachments kept
 * with the case, the agent's answers with their delivery state, a signature per entrance and
 * an optional Sent folder per account (else the IMAP special-use \Sent mailbox).
 */
export async function m006Answering(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  await db.schema.alterTable('entrances').addColumn('signature', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('sent_folder', 'text').execute();

  await db.schema.createTable('answer_drafts')
    .addColumn('contact_id', 'text', notNull)
    .addColumn('agent_id', 'text', notNull)
    .addColumn('content', 'text', notNull) // JSON DraftContent
    .addColumn('version', 'integer', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .addPrimaryKeyConstraint('answer_drafts_pk', ['contact_id', 'agent_id'])
    .execute();

  await db.schema.createTable('answer_uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', notNull)
    .addColumn('case_id', 'text')
    .addColumn('agent_id', 'text', notNull)
    .addColumn('filename', 'text', notNull)
    .addColumn('content_type', 'text', notNull)
    .addColumn('size', 'integer', notNull)
    .addColumn('content', blob, notNull)
    .addColumn('answer_id', 'text')
    .addColumn('created_at', 'bigint', notNull)
    .execute();
  await db.schema.createIndex('answer_uploads_contact').on('answer_uploads').columns(['contact_id']).execute();

  await db.schema.createTable('answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', notNull)
    .addColumn('case_id', 'text')
    .addColumn('agent_id', 'text', notNull)
    .addColumn('entrance_id', 'text') // the entrance of the From address chosen: the answer counts for it
    .addColumn('account_id', 'text')
    .addColumn('mode', 'text', notNull)
    .addColumn('from_address', 'text', notNull)
    .addColumn('to_addresses', 'text', notNull) // JSON string[]
    .addColumn('cc_addresses', 'text', notNull)
    .addColumn('bcc_addresses', 'text', notNull)
    .addColumn('subject', 'text', notNull)
    .addColumn('html', 'text', notNull)
    .addColumn('text', 'text', notNull)
    .addColumn('attachments', 'text', notNull) // JSON [{ filename, contentType, size, contentId }]
    .addColumn('message_id', 'text', notNull)
    .addColumn('outbox_id', 'bigint')
    .addColumn('state', 'text', notNull)
    .addColumn('reason', 'text')
    .addColumn('undo_until', 'bigint', notNull)
    .addColumn('draft', 'text', notNull) // JSON DraftContent: restored on undo
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('answers_contact').on('answers').columns(['contact_id', 'created_at']).execute();
  await db.schema.createIndex('answers_case').on('answers').columns(['case_id', 'created_at']).execute();
  await db.schema.createIndex('answers_outbox').on('answers').columns(['outbox_id']).execute();
}

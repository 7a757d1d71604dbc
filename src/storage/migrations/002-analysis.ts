import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { DialectName } from '../db.js';

type Col = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
const notNull: Col = (c) => c.notNull();

/**
 * Analysis and automatic answers (issue 4): keyword categories, pattern
 * specifications, answer templates, automatic-answer configuration per
 * entrance, the per-recipient automatic-answer log (rate limits across all
 * entrances), cases with their Message-IDs (threading), a size limit per
 * account, and the analysis result on each contact.
 */
export async function m002Analysis(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const serial = (t: string) => db.schema.createTable(t).addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()));

  await db.schema.createTable('categories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('keywords', 'text', notNull) // JSON string[]
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('language', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await db.schema.createTable('pattern_specs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('spec', 'text', notNull) // JSON PatternSpec
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await db.schema.createTable('answer_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('versions', 'text', notNull) // JSON Record<language, { subject, body }>
    .addColumn('default_language', 'text', notNull)
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await db.schema.createTable('auto_answer_configs')
    .addColumn('entrance_id', 'text', (c) => c.primaryKey().references('entrances.id').onDelete('cascade'))
    .addColumn('mode', 'text', notNull) // always | never | conditional
    .addColumn('template_id', 'text', (c) => c.references('answer_templates.id'))
    .addColumn('rules', 'text', (c) => c.notNull().defaultTo('[]')) // JSON [{ key, op, value, templateId }]
    .addColumn('fallback_template_id', 'text', (c) => c.references('answer_templates.id'))
    .addColumn('quoting', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('quote_prefix', 'text', (c) => c.notNull().defaultTo('> '))
    .addColumn('opening_hours', 'text')
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  await serial('auto_answer_log')
    .addColumn('recipient', 'text', notNull)
    .addColumn('kind', 'text', notNull) // auto_answer | notice
    .addColumn('entrance_id', 'text')
    .addColumn('contact_id', 'text')
    .addColumn('outbox_id', 'bigint')
    .addColumn('sent_at', 'bigint', notNull)
    .execute();
  await db.schema.createIndex('auto_answer_log_recipient').on('auto_answer_log').columns(['recipient', 'sent_at']).execute();

  // Case numbers come from the serial key: one sequence on both backends.
  await db.schema.createTable('cases')
    .addColumn('number', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('entrance_id', 'text')
    .addColumn('first_contact_id', 'text')
    .addColumn('subject', 'text', notNull)
    .addColumn('customer_address', 'text')
    .addColumn('created_at', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  // Message-IDs that belong to a case: the customer's mails and ours (automatic answers, notices).
  await db.schema.createTable('case_messages')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', notNull)
    .addColumn('contact_id', 'text')
    .addColumn('direction', 'text', notNull) // in | out
    .addColumn('created_at', 'bigint', notNull)
    .execute();
  await db.schema.createIndex('case_messages_case').on('case_messages').columns(['case_id']).execute();

  await db.schema.createTable('account_limits')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('max_message_bytes', 'bigint', notNull)
    .addColumn('updated_at', 'bigint', notNull)
    .execute();

  // One column per statement: SQLite adds one column per ALTER TABLE.
  await db.schema.alterTable('contacts').addColumn('case_id', 'text').execute();
  await db.schema.alterTable('contacts').addColumn('case_number', 'bigint').execute();
  await db.schema.alterTable('contacts').addColumn('analysis', 'text').execute();
  await db.schema.createIndex('contacts_case').on('contacts').columns(['case_id', 'created_at']).execute();
}

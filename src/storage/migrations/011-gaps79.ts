import type { Kysely } from 'kysely';
import type { DialectName } from '../db.js';

/**
 * - image_senders: an agent's "always show images from this sender", kept on the server so it
 *   follows the agent to another device (one row per agent and lower-cased sender address);
 * - smtp_servers.disabled: an administrator switches an SMTP server off; outbox rows for it wait
 *   (with the reason) instead of failing, and leave when it is enabled again.
 */
export async function m011Gaps79(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.createTable('image_senders')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('image_senders_pk', ['user_id', 'sender'])
    .execute();
  await db.schema.alterTable('smtp_servers').addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

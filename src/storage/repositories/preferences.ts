import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** An agent's "always show images" senders: kept per user on the server, so they follow the agent to any device. */
export async function imageSenders(db: Kysely<Database>, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('image_senders').select('sender').where('user_id', '=', userId).orderBy('sender').execute();
  return rows.map((r) => r.sender);
}

export async function setImageSender(db: Kysely<Database>, userId: string, sender: string, always: boolean, now: number): Promise<void> {
  const key = sender.trim().toLowerCase();
  if (always) {
    await db.insertInto('image_senders').values({ user_id: userId, sender: key, created_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'sender']).doNothing()).execute();
  } else {
    await db.deleteFrom('image_senders').where('user_id', '=', userId).where('sender', '=', key).execute();
  }
}

import type { Transaction } from 'kysely';
import type { Deps } from '../../app/deps.js';
import type { Database } from '../../storage/schema.js';
import type { EntranceRef } from './analysis-stage.js';

/**
 * Where a new contact waits first. The contact is stored on its entrance's queue with routing
 * status 'pending'; the queue engine routes it in its next decision (same transaction as its first
 * offer): opening hours, task type, routing rule, destinations with escalation, follow-ups to the
 * previous agent (contact data `followUp` + `previousAgentId`, or In-Reply-To/References matching an
 * earlier contact's Message-ID on the same entrance), all in the pure core (core/acd/route.ts).
 * Routing there, not here, keeps one code path for new contacts, releases after hours and area
 * escalations, and lets the engine see the contact's thread. Contact data key `prio` (0-9) sets the
 * starting priority.
 */
export interface Placement { queueId: string; priority: number }

export async function placeContact(_deps: Deps, _trx: Transaction<Database>, input: { entrance: EntranceRef; contactData: Record<string, unknown>; now: number }): Promise<Placement> {
  const prio = Number(input.contactData.prio);
  return { queueId: input.entrance.queue_id, priority: Number.isInteger(prio) && prio >= 0 && prio <= 9 ? prio : 0 };
}

import type { Transaction } from 'kysely';
import type { Deps } from '../../app/deps.js';
import type { Database } from '../../storage/schema.js';
import type { EntranceRef } from './analysis-stage.js';

/** Where a new contact waits first. The routing model (areas, task types, routing rules) grows here. */
export interface Placement { queueId: string; priority: number }

export async function placeContact(_deps: Deps, _trx: Transaction<Database>, input: { entrance: EntranceRef; contactData: Record<string, unknown>; now: number }): Promise<Placement> {
  return { queueId: input.entrance.queue_id, priority: 0 };
}

import type { Deps } from '../../app/deps.js';
import type { Contact } from '../../core/acd/types.js';
import { leaderFor } from '../acd/memory.js';

/**
 * The email server hands its new contacts to the queue engine (the core's `contact.queued` with
 * the contact's record), after commit: straight to the leader in this process, else over the bus
 * ('acd-handoff'; a record too large for a NOTIFY goes as its id). A lost hand-off is found by the
 * leader's sweep of contacts waiting to be routed.
 */
const MAX_INLINE = 6000;

export async function handOff(deps: Deps, contacts: Contact[]): Promise<void> {
  const leader = leaderFor(deps.storage);
  if (leader?.leading) {
    for (const c of contacts) {
      leader.apply(deps, { type: 'contact.queued', contactId: c.id }, { contact: c }).catch((err: unknown) => deps.logger.warn({ err, contactId: c.id }, 'hand-off failed; the sweep routes the contact'));
    }
    return;
  }
  for (const c of contacts) {
    const text = JSON.stringify(c);
    await deps.bus.publish('acd-handoff', Buffer.byteLength(text) <= MAX_INLINE ? { contact: c } : { contactId: c.id })
      .catch((err: unknown) => deps.logger.warn({ err, contactId: c.id }, 'hand-off not announced; the sweep routes the contact'));
  }
}

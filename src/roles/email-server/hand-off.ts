import type { Deps } from '../../app/deps.js';
import type { Contact } from '../../core/acd/types.js';
import { leaderFor } from '../acd/memory.js';

/**
 * The email server hands its new contacts to the queue engine (the core's `contact.queued` with
 * the contact's record), after commit: straight to the leader in this process, else over the bus
 * ('acd-handoff', several records to a NOTIFY; a record too large for one goes as its id). A lost hand-off is found by the
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
  // As few announcements as fit: contacts grouped up to MAX_INLINE bytes a NOTIFY (one per batch, typically).
  const announce = (payload: unknown, ids: string[]) => deps.bus.publish('acd-handoff', payload)
    .catch((err: unknown) => deps.logger.warn({ err, contactIds: ids }, 'hand-off not announced; the sweep routes the contacts'));
  let group: Contact[] = [];
  let bytes = 0;
  const flush = async () => {
    if (group.length === 1) await announce({ contact: group[0] }, [group[0].id]);
    else if (group.length > 1) await announce({ contacts: group }, group.map((c) => c.id));
    group = [];
    bytes = 0;
  };
  for (const c of contacts) {
    const size = Buffer.byteLength(JSON.stringify(c)) + 1;
    if (size > MAX_INLINE) { await announce({ contactId: c.id }, [c.id]); continue; }
    if (bytes + size > MAX_INLINE) await flush();
    group.push(c);
    bytes += size;
  }
  await flush();
}

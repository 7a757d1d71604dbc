import { AcdIndex } from './indexes.js';
import type { AcdState, Contact } from './types.js';

/**
 * Adds a contact the shell has just learnt about (the email server's hand-off, or one found by a
 * sweep) to a state that may already be indexed, so the next decide() routes it. Only a contact the
 * engine has not decided anything about yet (pending or held, status queued) may be admitted this way;
 * anything else means the state is out of date and must be reloaded. Returns false in that case.
 */
export function admitContact(s: AcdState, c: Contact): boolean {
  if (s.contacts[c.id]) return true;
  if (c.status !== 'queued' || c.routing === 'routed') return false;
  s.contacts[c.id] = c;
  if (!(s.index instanceof AcdIndex)) return true; // indexed with the rest on first use
  if (c.routing === 'pending') s.index.pending.add(c.id);
  if (c.dueAt !== null) s.index.timers.push(c.dueAt, 'contact', c.id);
  return true;
}

import { DEFAULT_MAX_PARKED } from '../routing/model.js';
import { agentDef, indexOf } from './indexes.js';
import type { AcdRejection, AcdState, Contact } from './types.js';

/** Checks for parking, un-parking and closing (with a wrap-up code or unhandled), before decide changes anything. */
const reject = (code: AcdRejection['code'], message: string): AcdRejection => ({ code, message });

/** A wrap-up code is required when the task type has codes, and must be one of them; closing unhandled needs none. */
export function closeProblem(s: AcdState, c: Contact, e: { wrapUpCode?: string | null; unhandledReason?: string | null }): AcdRejection | null {
  if (e.unhandledReason) return null;
  const codes = (c.taskTypeId ? s.config.taskTypes[c.taskTypeId]?.wrapUpCodes : undefined) ?? [];
  if (e.wrapUpCode === undefined || e.wrapUpCode === null) {
    return codes.length ? reject('contact.wrap_up_code_required', `choose a wrap-up code of the task type: ${codes.join(', ')}`) : null;
  }
  if (!codes.includes(e.wrapUpCode)) {
    return reject('contact.wrap_up_code_unknown', codes.length ? `'${e.wrapUpCode}' is not a wrap-up code of the task type; use one of: ${codes.join(', ')}` : `the contact's task type has no wrap-up codes`);
  }
  return null;
}

/** Contacts this agent holds parked. */
export function parkedCount(s: AcdState, agentId: string): number {
  let n = 0;
  for (const c of Object.values(s.contacts)) if (c.parked && c.agentId === agentId && c.status === 'assigned') n++;
  return n;
}

export function maxParkedFor(s: AcdState, agentId: string): number {
  return s.config.areas[agentDef(s, agentId).areaId]?.maxParked ?? DEFAULT_MAX_PARKED;
}

export function parkProblem(s: AcdState, c: Contact, agentId: string): AcdRejection | null {
  if (c.parked) return reject('contact.parked', `contact ${c.id} is already parked`);
  const max = maxParkedFor(s, agentId);
  if (parkedCount(s, agentId) >= max) return reject('contact.park_limit', `you already have ${max} parked contacts, the most your area allows; close or un-park one first`);
  return null;
}

export function unparkProblem(s: AcdState, c: Contact, agentId: string): AcdRejection | null {
  if (!c.parked) return reject('contact.not_parked', `contact ${c.id} is not parked`);
  const a = s.agents[agentId];
  if (a && indexOf(s).loadOf(agentId) >= a.capacity) return reject('agent.no_capacity', `all ${a.capacity} of your capacity units are in use; close or park a contact first`);
  return null;
}


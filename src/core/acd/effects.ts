import type { AcdEffect } from './types.js';

/**
 * Whom an effect concerns: the contact and the agent it is about (null when it is about no
 * agent, e.g. a contact requeued or routed to a queue). The event log records these, and the
 * live event stream shows an agent the effects whose agent is them.
 */
export function effectSubjects(e: AcdEffect): { contactId: string | null; agentId: string | null } {
  switch (e.type) {
    case 'offer.created': case 'offer.withdrawn': case 'offer.accepted': return { contactId: e.offer.contactId, agentId: e.offer.agentId };
    case 'contact.requeued': case 'contact.held': case 'contact.ended': case 'contact.forwarded': case 'contact.priorityChanged':
      return { contactId: e.contactId, agentId: null };
    case 'contact.routed': return { contactId: e.contactId, agentId: e.personalAgentId };
    case 'contact.assigned': case 'contact.closed': case 'contact.parked': case 'contact.unparked': case 'contact.park_reminder':
      return { contactId: e.contactId, agentId: e.agentId };
    case 'agent.stateChanged': case 'agent.pauseRequested': return { contactId: null, agentId: e.agentId };
  }
}

/**
 * The part of a decision's effects an agent's command may report back to that agent: effects
 * about the agent, and agent-less effects about a contact the agent touched in this decision
 * (the contact they declined goes back to its queue). Offers to colleagues, their state
 * changes and other contacts' routing stay out of the response.
 */
export function ownEffects(effects: AcdEffect[], agentId: string, contactIds: Iterable<string> = []): AcdEffect[] {
  const mine = new Set(contactIds);
  for (const e of effects) {
    const s = effectSubjects(e);
    if (s.agentId === agentId && s.contactId) mine.add(s.contactId);
  }
  return effects.filter((e) => {
    const s = effectSubjects(e);
    if (s.agentId !== null) return s.agentId === agentId;
    return s.contactId !== null && mine.has(s.contactId);
  });
}

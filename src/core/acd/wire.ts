import type { AcdEffect } from './types.js';

/**
 * The queue engine's effects as pushed to agents' event sockets: JSON with `type`, `at` (ISO)
 * and `agentId` (whose event it is; null = only supervisors see it). The event-log id is
 * added as `id` when it is sent. The same function feeds live sending and replay, so a
 * replayed event is byte-for-byte what the live one was.
 */
export type WireEvent = { type: string; at: string; agentId: string | null } & Record<string, unknown>;

const iso = (ms: number) => new Date(ms).toISOString();

export function toWireEvent(e: AcdEffect, now: number): WireEvent {
  const at = iso(now);
  switch (e.type) {
    case 'offer.created':
    case 'offer.accepted':
      return { type: e.type, at, agentId: e.offer.agentId, offer: { id: e.offer.id, contactId: e.offer.contactId, agentId: e.offer.agentId, createdAt: iso(e.offer.createdAt), expiresAt: iso(e.offer.expiresAt) } };
    case 'offer.withdrawn':
      return { type: e.type, at, agentId: e.offer.agentId, reason: e.reason, offer: { id: e.offer.id, contactId: e.offer.contactId, agentId: e.offer.agentId } };
    case 'contact.assigned':
    case 'contact.unparked':
    case 'contact.park_reminder':
      return { type: e.type, at, agentId: e.agentId, contactId: e.contactId };
    case 'contact.closed':
      return { type: e.type, at, agentId: e.agentId, contactId: e.contactId, wrapUpCode: e.wrapUpCode ?? null, unhandledReason: e.unhandledReason ?? null };
    case 'contact.parked':
      return { type: e.type, at, agentId: e.agentId, contactId: e.contactId, remindAt: e.remindAt === null ? null : iso(e.remindAt) };
    case 'contact.requeued':
      return { type: e.type, at, agentId: null, contactId: e.contactId, queueId: e.queueId, reason: e.reason };
    case 'agent.stateChanged':
      return { type: 'agent.state', at, agentId: e.agentId, state: e.state, reason: e.reason, ...(e.state === 'wrap_up' ? { wrapUpUntil: e.wrapUpUntil ? iso(e.wrapUpUntil) : null } : {}) };
    case 'contact.routed':
      return { type: e.type, at, agentId: e.personalAgentId, contactId: e.contactId, queueId: e.queueId, personalAgentId: e.personalAgentId, taskTypeId: e.taskTypeId, how: e.how };
    case 'contact.ended': case 'contact.held': case 'contact.forwarded': case 'contact.priorityChanged':
      return { ...e, at, agentId: null };
    case 'agent.pauseRequested':
      return { type: 'agent.pauseRequested', at, agentId: e.agentId, reason: e.reason };
  }
}

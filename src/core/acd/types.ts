import type { ContactData, Destination, RoutingConfig } from '../routing/model.js';

/**
 * The queue engine's data: the agents, contacts and offers a decision can touch, plus the
 * routing configuration. Plain, JSON-friendly records; times are epoch ms.
 *
 * Ownership: decide(state, …) takes ownership of `state` and returns it updated in place
 * (copy-free, so one decision costs what it touches, not the size of the centre). A rejected
 * command returns the very same object unchanged. Callers that need the old state keep a
 * structuredClone(). `Decision.touched` names the records a decision changed, for persistence.
 */
export type AgentStateName = 'logged_out' | 'ready' | 'paused' | 'wrap_up';
export type ContactStatus = 'queued' | 'offered' | 'assigned' | 'closed';
/** pending: not routed yet; held: arrived while the entrance was closed; routed: at a destination. */
export type RoutingStatus = 'pending' | 'held' | 'routed';

export interface Agent {
  id: string;
  state: AgentStateName;
  pauseReason: string | null;
  stateSince: number;
  /** When the agent last had nothing to do: longest-idle agents are offered first. */
  idleSince: number;
  /** Contacts the agent may hold at once (offered + assigned). Email default 1, at most 25. */
  capacity: number;
  /** A pause requested while working: starts, with its reason, when the work (and wrap-up) ends. */
  pendingPause: { reason: string | null } | null;
  /** End of wrap-up; null while in wrap-up = unlimited (until the agent ends it). */
  wrapUpUntil: number | null;
}

export interface Contact {
  id: string;
  entranceId: string | null;
  areaId: string | null;
  /** The queue (or waiting list) the contact is in; with personalAgentId it waits in that agent's personal queue. */
  queueId: string;
  personalAgentId: string | null;
  status: ContactStatus;
  routing: RoutingStatus;
  /** First queue entry; never reset by a requeue, a transfer, a decline or a missed offer. */
  queuedAt: number;
  /** Entry into the current destination: escalation wait(x) and skill relaxation count from here. */
  destEnteredAt: number;
  priority: number;
  agentId: string | null;
  offerCount: number;
  /** Agents who declined this contact: it is not offered to them again. */
  declinedBy: string[];
  taskTypeId: string | null;
  /** The destinations of the routing rule that applied, and where the contact is in them (-1: none). */
  route: Destination[];
  routeIndex: number;
  /** The contact's timer: escalation, follow-up preference expiry, or release after hours. */
  dueAt: number | null;
  outOfHours: boolean;
  /** Follow-up: the agent who handled the conversation before (set by analysis or threading). */
  previousAgentId: string | null;
  endReason: string | null;
  data: ContactData;
  /** Set aside by its agent: still theirs (status assigned), but not counted in their load. */
  parked?: boolean;
  parkedAt?: number | null;
  /** When to remind the agent of a parked contact (one 'contact.park_reminder'); null = no reminder. */
  remindAt?: number | null;
  /** Set when the contact is closed: the wrap-up code chosen, or why it was closed unhandled. */
  wrapUpCode?: string | null;
  unhandledReason?: string | null;
}

export interface Offer {
  id: string;
  contactId: string;
  agentId: string;
  createdAt: number;
  expiresAt: number;
}

export interface AcdSettings {
  offerTimeoutMs: number;
  missedOfferReason: string;
}

/** Per-queue figures from recent history, supplied by the shell (estimated queue time). */
export interface QueueStats { avgHandleMs: number }

export interface AcdState {
  agents: Record<string, Agent>;
  contacts: Record<string, Contact>;
  /** Open offers only. */
  offers: Record<string, Offer>;
  settings: AcdSettings;
  config: RoutingConfig;
  stats: Record<string, QueueStats>;
  /** Derived indexes, built on first use and kept up to date by decide (not persisted). */
  index?: unknown;
}

export type TransferTarget = { queueId: string } | { agentId: string };

export type AcdEvent =
  | { type: 'contact.queued'; contactId: string }
  | { type: 'agent.setState'; agentId: string; state: 'ready' | 'paused' | 'logged_out'; reason?: string | null; force?: boolean }
  | { type: 'agent.wrapUp'; agentId: string; action: 'end' | 'extend'; seconds?: number }
  | { type: 'offer.accept'; offerId: string; agentId: string }
  | { type: 'offer.decline'; offerId: string; agentId: string }
  /** wrapUpCode: one of the task type's codes (required when it has some); unhandledReason: closed unhandled instead. */
  | { type: 'contact.close'; contactId: string; agentId: string; wrapUpCode?: string | null; unhandledReason?: string | null }
  /** The agent sets an assigned contact aside (frees its capacity unit), optionally with a reminder time. */
  | { type: 'contact.park'; contactId: string; agentId: string; remindAt?: number | null }
  | { type: 'contact.unpark'; contactId: string; agentId: string }
  /** The handling agent requeues / transfers the contact; the agent is paused, without wrap-up. */
  | { type: 'contact.transfer'; contactId: string; agentId: string; to: TransferTarget }
  /** An agent picks a contact from a waiting list. */
  | { type: 'contact.pick'; contactId: string; agentId: string; queueId: string }
  /** Supervisor: move a waiting (or offered) contact. */
  | { type: 'contact.move'; contactId: string; to: TransferTarget }
  | { type: 'contact.setPriority'; contactId: string; priority: number }
  /** Timers: everything due at or before now happens. */
  | { type: 'tick' };

export type WithdrawReason = 'declined' | 'expired' | 'agent-unavailable' | 'moved';

export type AcdEffect =
  | { type: 'offer.created'; offer: Offer }
  | { type: 'offer.withdrawn'; offer: Offer; reason: WithdrawReason }
  | { type: 'offer.accepted'; offer: Offer }
  | { type: 'contact.requeued'; contactId: string; queueId: string; reason: WithdrawReason }
  | { type: 'contact.assigned'; contactId: string; agentId: string }
  | { type: 'contact.closed'; contactId: string; agentId: string; wrapUpCode?: string | null; unhandledReason?: string | null }
  | { type: 'contact.parked'; contactId: string; agentId: string; remindAt: number | null }
  | { type: 'contact.unparked'; contactId: string; agentId: string }
  /** A parked contact's reminder time has come. */
  | { type: 'contact.park_reminder'; contactId: string; agentId: string }
  | { type: 'contact.routed'; contactId: string; areaId: string; queueId: string; personalAgentId: string | null; taskTypeId: string | null; destination: number; how: 'rule' | 'no-route' | 'follow-up' | 'escalation' | 'transfer' | 'move' | 'opened' }
  | { type: 'contact.held'; contactId: string; until: number | null }
  | { type: 'contact.ended'; contactId: string; reason: string }
  | { type: 'contact.forwarded'; contactId: string; address: string }
  | { type: 'contact.priorityChanged'; contactId: string; priority: number }
  | { type: 'agent.stateChanged'; agentId: string; state: AgentStateName; reason: string | null; wrapUpUntil?: number | null }
  /** A pause requested while working: it starts when the work ends. */
  | { type: 'agent.pauseRequested'; agentId: string; reason: string | null };

export type AcdRejection = {
  code: 'offer.unknown' | 'offer.not_yours' | 'contact.unknown' | 'contact.not_yours' | 'contact.not_assigned' | 'agent.unknown' | 'contact.not_queued'
    | 'queue.unknown' | 'agent.not_in_wrap_up' | 'agent.pause_reason_unknown' | 'contact.not_in_list' | 'agent.no_capacity' | 'agent.not_eligible'
    | 'contact.park_limit' | 'contact.parked' | 'contact.not_parked' | 'contact.wrap_up_code_required' | 'contact.wrap_up_code_unknown';
  message: string;
};

export interface Decision {
  state: AcdState;
  effects: AcdEffect[];
  /** Ids of the agents and contacts whose records this decision changed. */
  touched: { agents: string[]; contacts: string[] };
  /** Present when the event was a command that could not be carried out: nothing changed. */
  rejected?: AcdRejection;
}

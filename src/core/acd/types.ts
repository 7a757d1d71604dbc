/**
 * The queue engine's data: a snapshot of the agents, contacts and offers that a
 * decision can touch. Plain, JSON-friendly records; times are epoch ms.
 */
export type AgentStateName = 'logged_out' | 'ready' | 'paused' | 'wrap_up';
export type ContactStatus = 'queued' | 'offered' | 'assigned' | 'closed';

export interface Agent {
  id: string;
  state: AgentStateName;
  pauseReason: string | null;
  stateSince: number;
  /** When the agent last had nothing to do: longest-idle agents are offered first. */
  idleSince: number;
  /** Contacts the agent may hold at once (offered + assigned). Email default 1. */
  capacity: number;
}

export interface Contact {
  id: string;
  queueId: string;
  status: ContactStatus;
  /** First queue entry; never reset by a requeue, a decline or a missed offer. */
  queuedAt: number;
  priority: number;
  agentId: string | null;
  offerCount: number;
  /** Agents who declined this contact: it is not offered to them again. */
  declinedBy: string[];
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

export interface AcdState {
  agents: Record<string, Agent>;
  contacts: Record<string, Contact>;
  /** Open offers only. */
  offers: Record<string, Offer>;
  settings: AcdSettings;
}

export type AcdEvent =
  | { type: 'contact.queued'; contactId: string }
  | { type: 'agent.setState'; agentId: string; state: 'ready' | 'paused' | 'logged_out'; reason?: string | null }
  | { type: 'offer.accept'; offerId: string; agentId: string }
  | { type: 'offer.decline'; offerId: string; agentId: string }
  | { type: 'contact.close'; contactId: string; agentId: string }
  /** Timers: every offer whose expiresAt <= now times out. */
  | { type: 'tick' };

export type WithdrawReason = 'declined' | 'expired' | 'agent-unavailable';

export type AcdEffect =
  | { type: 'offer.created'; offer: Offer }
  | { type: 'offer.withdrawn'; offer: Offer; reason: WithdrawReason }
  | { type: 'offer.accepted'; offer: Offer }
  | { type: 'contact.requeued'; contactId: string; queueId: string; reason: WithdrawReason }
  | { type: 'contact.assigned'; contactId: string; agentId: string }
  | { type: 'contact.closed'; contactId: string; agentId: string }
  | { type: 'agent.stateChanged'; agentId: string; state: AgentStateName; reason: string | null };

export type AcdRejection = {
  code: 'offer.unknown' | 'offer.not_yours' | 'contact.unknown' | 'contact.not_yours' | 'contact.not_assigned' | 'agent.unknown' | 'contact.not_queued';
  message: string;
};

export interface Decision {
  state: AcdState;
  effects: AcdEffect[];
  /** Present when the event was a command that could not be carried out: nothing changed. */
  rejected?: AcdRejection;
}

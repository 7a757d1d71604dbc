import type { AcdIndex } from './indexes.js';
import type { AcdEffect, AcdState, Agent, AgentStateName, Contact } from './types.js';

/** One decision in progress: the state it owns, the index, the clock and what changed. */
export interface Ctx {
  s: AcdState;
  ix: AcdIndex;
  now: number;
  fx: AcdEffect[];
  touchedAgents: Set<string>;
  touchedContacts: Set<string>;
  /** Contacts that became waiting (try to find them an agent). */
  dirtyContacts: Set<string>;
  /** Agents that may have become available (try to find them a contact). */
  dirtyAgents: Set<string>;
}

export const touchContact = (ctx: Ctx, c: Contact): Contact => { ctx.touchedContacts.add(c.id); return c; };
export const touchAgent = (ctx: Ctx, a: Agent): Agent => { ctx.touchedAgents.add(a.id); return a; };

export function setAgentState(ctx: Ctx, a: Agent, state: AgentStateName, reason: string | null, wrapUpUntil: number | null = null): void {
  if (a.state === state && a.pauseReason === reason && a.wrapUpUntil === wrapUpUntil) return;
  touchAgent(ctx, a);
  a.state = state;
  a.pauseReason = reason;
  a.stateSince = ctx.now;
  a.wrapUpUntil = state === 'wrap_up' ? wrapUpUntil : null;
  if (state === 'wrap_up' && wrapUpUntil !== null) ctx.ix.timers.push(wrapUpUntil, 'agent', a.id);
  ctx.fx.push({ type: 'agent.stateChanged', agentId: a.id, state, reason, ...(state === 'wrap_up' ? { wrapUpUntil } : {}) });
  if (state === 'ready') ctx.dirtyAgents.add(a.id);
}

/** Ready, no pause pending, and room for one more contact. */
export function isAvailable(ctx: Ctx, a: Agent | undefined): a is Agent {
  return !!a && a.state === 'ready' && a.pendingPause === null && ctx.ix.loadOf(a.id) < a.capacity;
}

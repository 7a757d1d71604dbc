import type { Deps } from '../../app/deps.js';
import { decide, nextDue } from '../../core/acd/decide.js';
import type { AcdEffect, AcdEvent, AcdRejection, AcdSettings } from '../../core/acd/types.js';
import { LOCKS } from '../../storage/db.js';
import { loadSnapshot } from './snapshot.js';
import { DecidedGroup, type Written } from './group.js';
import { validLeaseHolder } from './leader.js';
import { leaderFor, NotLeaderError } from './memory.js';

export type { Written } from './group.js';
import { LeaderElsewhereError, sendToLeader } from './commands.js';

/**
 * The queue engine's shell. The leader (memory.ts) keeps the open state in memory and applies
 * events one at a time, and commits the decisions made while the previous commit was in flight
 * together: their rows, event-log entries and outbox rows in one transaction (group.ts), their
 * effects published after commit (publishAll). Any role may
 * submit an event: in the leader's process it goes straight to the leader, from another process
 * over the command table (commands.ts), and while no process leads at all it is decided once on
 * fresh state from the database under the ACD lock (decideOnce).
 */
export type AcdOutcome = { ok: true; effects: AcdEffect[]; nextDue: number | null } | ({ ok: false } & AcdRejection);

export const MISSED_OFFER = 'missed offer';

export function acdSettings(deps: Deps): AcdSettings {
  return { offerTimeoutMs: deps.config.offerTimeoutSeconds * 1000, missedOfferReason: MISSED_OFFER };
}

export async function submitAcdEvent(deps: Deps, event: AcdEvent): Promise<AcdOutcome> {
  const leader = leaderFor(deps.storage);
  if (leader?.leading) {
    try { return await leader.apply(deps, event); } catch (err) { if (!(err instanceof NotLeaderError)) throw err; }
  }
  try {
    return await decideOnce(deps, event);
  } catch (err) {
    if (!(err instanceof LeaderElsewhereError)) throw err;
    return sendToLeader(deps, event, err.holder);
  }
}

/**
 * No process leads (no ACD role running, or between a leader's death and the takeover): one
 * decision on state loaded from the database, under the ACD lock and only while no lease is valid,
 * so it can never overlap a leader's decisions; a leader that takes over afterwards loads it.
 */
export async function decideOnce(deps: Deps, event: AcdEvent): Promise<AcdOutcome> {
  const now = deps.clock();
  const outcome = await deps.storage.transaction(async (trx) => {
    const holder = await validLeaseHolder(trx, Date.now());
    if (holder) throw new LeaderElsewhereError(holder);
    const state = await loadSnapshot(trx, acdSettings(deps), now);
    const group = new DecidedGroup(new Map(Object.values(state.contacts).map((c) => [c.id, c.status as string])));
    const decision = decide(state, event, now);
    if (decision.rejected) return { ok: false as const, ...decision.rejected };
    group.add(decision, now);
    const written = await group.persist(deps, trx);
    return { ok: true as const, effects: decision.effects, nextDue: nextDue(decision.state), group, ...written };
  }, LOCKS.acd);
  if (!outcome.ok) return outcome;
  outcome.group.observe(deps);
  await publishAll(deps, outcome);
  return { ok: true, effects: outcome.effects, nextDue: outcome.nextDue };
}

/** After commit: the agent-facing events on the bus, each with its event-log id (the web role pushes them over the WebSocket), and a wake-up for the outbox worker. */
export async function publishAll(deps: Deps, written: Written): Promise<void> {
  if (deps.bus.publishMany && written.pushed.length > 1) await deps.bus.publishMany('events', written.pushed);
  else for (const e of written.pushed) await deps.bus.publish('events', e);
  if (written.outbox) await deps.bus.publish('outbox');
}


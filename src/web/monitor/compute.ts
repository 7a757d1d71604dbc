import type { Deps } from '../../app/deps.js';
import type { Ctx } from '../../core/acd/context.js';
import { indexOf } from '../../core/acd/indexes.js';
import { estimatedQueueMs } from '../../core/acd/select.js';
import { addCounters, DAY_MS, emptyCounters, figures, intervalStart, type Counters } from '../../core/statistics/intervals.js';
import { acdSettings } from '../../roles/acd/engine.js';
import { loadSnapshot } from '../../roles/acd/snapshot.js';
import { readIntervals, updateStatistics } from '../../storage/repositories/statistics.js';

/**
 * The supervisor monitor's figures. Live counts come from the queue engine's own snapshot and
 * indexes (who can serve a queue, estimated queue time), so they match what the engine decides;
 * today's service levels come from the statistics tables, refreshed at most every 15 s.
 */
export const AGGREGATE_REFRESH_MS = 15_000;

export interface MonitorQueue {
  id: string; name: string; areaId: string; kind: string;
  waiting: number; held: number; offered: number; assigned: number;
  longestWaitSeconds: number; oldestQueuedAt: string | null;
  agents: { loggedIn: number; ready: number; busy: number; paused: number; wrapUp: number };
  estimatedQueueSeconds: number | null;
  sl1Minutes: number; sl2Minutes: number;
  today: { received: number; established: number; sl1Percent: number | null; sl2Percent: number | null };
  thresholds: { longestWaitSeconds: number | null; slPercent: number | null };
  alerts: { longestWait: boolean; serviceLevel: boolean };
}

export interface MonitorAgent {
  id: string; username: string; displayName: string; state: 'logged_out' | 'ready' | 'paused' | 'wrap_up'; stateSince: string; secondsInState: number; pauseReason: string | null;
  contacts: { offered: number; assigned: number }; capacity: number; queueIds: string[];
}

export interface Monitor { at: string; aggregatesAt: string | null; queues: MonitorQueue[]; agents: MonitorAgent[] }

const iso = (ms: number) => new Date(ms).toISOString();

export function createMonitor(deps: Deps) {
  let aggregates: { at: number; day: number; byQueue: Map<string, Counters> } | null = null;
  let aggregating: Promise<void> | null = null;

  /** Today's per-queue counters from the statistics tables (catching up with the event log first), at most every 15 s. */
  const todayByQueue = async (now: number) => {
    const day = intervalStart(now, DAY_MS);
    if (!aggregates || aggregates.day !== day || now - aggregates.at >= AGGREGATE_REFRESH_MS) {
      aggregating ??= (async () => {
        try {
          await updateStatistics(deps.storage);
          const rows = await readIntervals(deps.storage.db, { granularity: 'day', dimension: 'queue', from: day, to: day + DAY_MS });
          const byQueue = new Map<string, Counters>();
          for (const r of rows) byQueue.set(r.key, addCounters(byQueue.get(r.key) ?? emptyCounters(), r.counters));
          aggregates = { at: now, day, byQueue };
        } finally {
          aggregating = null;
        }
      })();
      await aggregating;
    }
    return aggregates!;
  };

  let inFlight: Promise<Monitor> | null = null;
  let last: { at: number; value: Monitor } | null = null;

  const compute = async (): Promise<Monitor> => {
    const now = deps.clock();
    const db = deps.storage.db;
    const [state, queueRows, users, agg] = await Promise.all([
      deps.storage.transaction((trx) => loadSnapshot(trx, acdSettings(deps), now)),
      db.selectFrom('queues').select(['id', 'threshold_longest_wait_seconds', 'threshold_sl_percent']).execute(),
      db.selectFrom('users').select(['id', 'username', 'display_name', 'disabled']).execute(),
      todayByQueue(now),
    ]);
    const ix = indexOf(state);
    const ctx: Ctx = { s: state, ix, now, fx: [], touchedAgents: new Set(), touchedContacts: new Set(), dirtyContacts: new Set(), dirtyAgents: new Set() };
    const thresholds = new Map(queueRows.map((q) => [q.id, q]));
    const load = new Map<string, { offered: number; assigned: number }>();
    const perQueue = new Map<string, { waiting: number; held: number; offered: number; assigned: number; oldest: number | null }>();
    for (const c of Object.values(state.contacts)) {
      const q = perQueue.get(c.queueId) ?? { waiting: 0, held: 0, offered: 0, assigned: 0, oldest: null };
      perQueue.set(c.queueId, q);
      if (c.status === 'queued' && !c.personalAgentId) {
        if (c.routing === 'held') q.held++;
        else { q.waiting++; q.oldest = q.oldest === null ? c.queuedAt : Math.min(q.oldest, c.queuedAt); }
      }
      if (c.status === 'offered') q.offered++;
      if (c.status === 'assigned') {
        q.assigned++;
        if (c.agentId) { const l = load.get(c.agentId) ?? { offered: 0, assigned: 0 }; l.assigned++; load.set(c.agentId, l); }
      }
    }
    for (const o of Object.values(state.offers)) { const l = load.get(o.agentId) ?? { offered: 0, assigned: 0 }; l.offered++; load.set(o.agentId, l); }
    const queuesOfAgent = new Map<string, string[]>();
    const queues: MonitorQueue[] = Object.values(state.config.queues).sort((a, b) => a.name.localeCompare(b.name)).map((q) => {
      const counts = perQueue.get(q.id) ?? { waiting: 0, held: 0, offered: 0, assigned: 0, oldest: null };
      const agents = { loggedIn: 0, ready: 0, busy: 0, paused: 0, wrapUp: 0 };
      for (const e of ix.agentsOf.get(q.id) ?? []) {
        const a = state.agents[e.id];
        if (!a || a.state === 'logged_out') continue;
        (queuesOfAgent.get(a.id) ?? queuesOfAgent.set(a.id, []).get(a.id)!).push(q.id);
        agents.loggedIn++;
        const l = load.get(a.id);
        if (a.state === 'paused') agents.paused++;
        else if (a.state === 'wrap_up') agents.wrapUp++;
        else if (l && l.offered + l.assigned > 0) agents.busy++;
        else agents.ready++;
      }
      const eqt = estimatedQueueMs(ctx, q.id);
      const today = figures(agg.byQueue.get(q.id) ?? emptyCounters());
      const t = thresholds.get(q.id);
      const longestWaitSeconds = counts.oldest === null ? 0 : Math.max(0, Math.round((now - counts.oldest) / 1000));
      const slPercent = t?.threshold_sl_percent ?? null;
      const longestLimit = t?.threshold_longest_wait_seconds ?? null;
      return {
        id: q.id, name: q.name, areaId: q.areaId, kind: q.kind, waiting: counts.waiting, held: counts.held, offered: counts.offered, assigned: counts.assigned,
        longestWaitSeconds, oldestQueuedAt: counts.oldest === null ? null : iso(counts.oldest), agents,
        estimatedQueueSeconds: Number.isFinite(eqt) ? Math.round(eqt / 1000) : null,
        sl1Minutes: q.sl1Minutes, sl2Minutes: q.sl2Minutes,
        today: { received: today.received, established: today.established, sl1Percent: today.sl1Percent, sl2Percent: today.sl2Percent },
        thresholds: { longestWaitSeconds: longestLimit, slPercent },
        alerts: {
          longestWait: longestLimit !== null && longestWaitSeconds > longestLimit,
          serviceLevel: slPercent !== null && today.sl1Percent !== null && today.sl1Percent < slPercent,
        },
      };
    });
    const agents: MonitorAgent[] = users.filter((u) => u.disabled === 0 && state.agents[u.id]).sort((a, b) => a.username.localeCompare(b.username)).map((u) => {
      const a = state.agents[u.id];
      return {
        id: u.id, username: u.username, displayName: u.display_name, state: a.state, stateSince: iso(a.stateSince),
        secondsInState: Math.max(0, Math.round((now - a.stateSince) / 1000)), pauseReason: a.pauseReason,
        contacts: load.get(u.id) ?? { offered: 0, assigned: 0 }, capacity: a.capacity, queueIds: queuesOfAgent.get(u.id) ?? [],
      };
    });
    return { at: iso(now), aggregatesAt: iso(agg.at), queues, agents };
  };

  return {
    /** The monitor; concurrent callers share one computation, and a result is reused for 1 s. */
    async get(): Promise<Monitor> {
      const now = deps.clock();
      if (last && now - last.at < 1000) return last.value;
      inFlight ??= compute().then((value) => { last = { at: deps.clock(), value }; return value; }).finally(() => { inFlight = null; });
      return inFlight;
    },
    /** Forget the cached live figures (after a change the caller knows of). */
    invalidate(): void { last = null; },
  };
}

import type { Deps } from '../../app/deps.js';
import { eventHub, type HubClient } from '../event-hub.js';

/**
 * Live monitor updates for supervisors: every queue-engine event and every new contact marks the
 * monitor changed; supervisors' sockets get one coalesced {type:'monitor.changed'} at most every
 * `minIntervalMs` (default 1 s), naming the queues and agents that changed, and then read
 * GET /api/v1/monitor. The queue engine's events come through the process's one event hub (joined
 * while any supervisor listens), new contacts through the 'acd' wake-up; however many supervisors listen.
 */
export interface MonitorChanged { type: 'monitor.changed'; at: string; queues: string[]; agents: string[]; events: number }

export interface MonitorFeed {
  /** Adds a listener (a supervisor's socket); returns its removal. */
  listen(send: (message: MonitorChanged) => void): () => void;
  close(): void;
}

export function createMonitorFeed(deps: Deps, opts: { minIntervalMs?: number; onChange?: () => void; clock?: () => number } = {}): MonitorFeed {
  const minInterval = opts.minIntervalMs ?? 1000;
  const clock = opts.clock ?? Date.now;
  const listeners = new Set<(m: MonitorChanged) => void>();
  let queues = new Set<string>();
  let agents = new Set<string>();
  let events = 0;
  let lastSent = 0;
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    timer = null;
    if (events === 0) return;
    lastSent = clock();
    const message: MonitorChanged = { type: 'monitor.changed', at: new Date(lastSent).toISOString(), queues: [...queues], agents: [...agents], events };
    queues = new Set();
    agents = new Set();
    events = 0;
    for (const send of listeners) send(message);
  };

  const mark = (payload: unknown) => {
    opts.onChange?.();
    if (listeners.size === 0) return;
    const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
    for (const k of ['queueId']) if (typeof p[k] === 'string') queues.add(p[k] as string);
    for (const k of ['agentId', 'personalAgentId']) if (typeof p[k] === 'string') agents.add(p[k] as string);
    events++;
    if (timer) return;
    const wait = Math.max(0, lastSent + minInterval - clock());
    timer = setTimeout(flush, wait);
    timer.unref();
  };

  const unsubscribe = deps.bus.subscribe('acd', mark);
  // Every pushed event, as the supervisors' sockets get them (one 'events' subscription per process).
  const hubClient: HubClient = {
    agentId: null, lastSent: 0, isOpen: () => listeners.size > 0,
    send(text) { try { mark(JSON.parse(text)); } catch { mark(null); } },
  };
  let leaveHub: (() => void) | null = null;
  return {
    listen(send) {
      listeners.add(send);
      leaveHub ??= eventHub(deps, (err) => deps.logger.warn({ err }, 'monitor feed: event fan-out failed')).join(hubClient);
      return () => {
        listeners.delete(send);
        if (listeners.size === 0 && leaveHub) { leaveHub(); leaveHub = null; }
      };
    },
    close() { unsubscribe(); leaveHub?.(); leaveHub = null; if (timer) clearTimeout(timer); listeners.clear(); },
  };
}

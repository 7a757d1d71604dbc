import type { Bus } from '../../storage/bus.js';

/**
 * Live monitor updates for supervisors: every queue-engine event and every new contact marks the
 * monitor changed; supervisors' sockets get one coalesced {type:'monitor.changed'} at most every
 * `minIntervalMs` (default 1 s), naming the queues and agents that changed, and then read
 * GET /api/v1/monitor. One bus subscription per web process, however many supervisors listen.
 */
export interface MonitorChanged { type: 'monitor.changed'; at: string; queues: string[]; agents: string[]; events: number }

export interface MonitorFeed {
  /** Adds a listener (a supervisor's socket); returns its removal. */
  listen(send: (message: MonitorChanged) => void): () => void;
  close(): void;
}

export function createMonitorFeed(bus: Bus, opts: { minIntervalMs?: number; onChange?: () => void; clock?: () => number } = {}): MonitorFeed {
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

  const unsubscribe = [bus.subscribe('events', mark), bus.subscribe('acd', mark)];
  return {
    listen(send) { listeners.add(send); return () => { listeners.delete(send); }; },
    close() { for (const u of unsubscribe) u(); if (timer) clearTimeout(timer); listeners.clear(); },
  };
}

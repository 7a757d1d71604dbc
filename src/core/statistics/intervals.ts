/**
 * Statistics from the event log (domain §6), as a pure fold: each event updates the contact's
 * tracking record and yields counter increments for 15-minute intervals per dimension (queue,
 * entrance, task type, agent). Increments only add up (or take a maximum), so they can be applied
 * incrementally, in any batch size, and a rebuild from the same events gives the same figures.
 *
 * - received: a contact entering a queue (again after a transfer or a move); per entrance, arrivals.
 * - established: answered (assigned) the first time, or after a requeue that changed the task type;
 *   re-established: answered again with the task type unchanged.
 * - queue time: from the first queue entry (or the entrance opening, for mail held out of hours) to
 *   the delivery, all of it credited to the delivering queue; SL1/SL2 count established contacts
 *   whose queue time is within the queue's thresholds.
 * - closed unhandled: ended by routing (end destination, forwarding), or closed by the agent as unhandled.
 * - outgoing: agents' answers sent, per entrance of the From address and per agent (answer.state 'sent').
 * - transferred: left a queue (or an agent) by a transfer or a supervisor's move.
 * - handled / handling time: from assignment to close, credited to the queue that delivered it.
 */
export const INTERVAL_MS = 15 * 60_000;
export const DAY_MS = 86_400_000;

export type Dimension = 'queue' | 'entrance' | 'task-type' | 'agent';
export const DIMENSIONS: Dimension[] = ['queue', 'entrance', 'task-type', 'agent'];
export const NO_TASK_TYPE = '(none)';

export interface Counters {
  received: number; established: number; re_established: number; closed_unhandled: number; transferred: number;
  sl1: number; sl2: number; answered: number; queue_ms_sum: number; queue_ms_max: number; handled: number; handle_ms_sum: number; outgoing: number;
}
export const COUNTER_NAMES: (keyof Counters)[] = [
  'received', 'established', 're_established', 'closed_unhandled', 'transferred', 'sl1', 'sl2', 'answered', 'queue_ms_sum', 'queue_ms_max', 'handled', 'handle_ms_sum', 'outgoing',
];
export const emptyCounters = (): Counters => ({
  received: 0, established: 0, re_established: 0, closed_unhandled: 0, transferred: 0, sl1: 0, sl2: 0, answered: 0, queue_ms_sum: 0, queue_ms_max: 0, handled: 0, handle_ms_sum: 0, outgoing: 0,
});

/** What the fold remembers about one contact between events. */
export interface ContactTrack {
  entranceId: string | null;
  queueId: string | null;
  /** When the contact was counted as received at its first queue (to move that count when routing places it elsewhere). */
  receivedAt: number | null;
  routed: boolean;
  firstQueuedAt: number | null;
  taskTypeId: string | null;
  agentId: string | null;
  assignedAt: number | null;
  assignedQueueId: string | null;
  /** The task type when last answered; undefined = never answered. */
  answeredTaskType?: string | null;
  ended: boolean;
}

export interface StatEvent { id: number; at: number; type: string; contactId: string | null; agentId: string | null; data: Record<string, unknown> }

export interface Increment { dimension: Dimension; key: string; at: number; add: Partial<Counters> }

export interface QueueThresholds { sl1Minutes: number; sl2Minutes: number }

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

export const intervalStart = (at: number, size = INTERVAL_MS): number => Math.floor(at / size) * size;

/**
 * Applies one event. `track` is the contact's record (null if unseen; a new one is returned for
 * contact.created). Returns the updated record and the increments.
 */
export function applyEvent(track: ContactTrack | null, e: StatEvent, queues: Record<string, QueueThresholds>): { track: ContactTrack | null; increments: Increment[] } {
  const inc: Increment[] = [];
  const add = (dimension: Dimension, key: string | null, at: number, counters: Partial<Counters>) => { if (key) inc.push({ dimension, key, at, add: counters }); };
  const t = track;
  switch (e.type) {
    case 'contact.created': {
      const queueId = str(e.data.queueId);
      const entranceId = str(e.data.entranceId);
      add('entrance', entranceId, e.at, { received: 1 });
      add('queue', queueId, e.at, { received: 1 });
      return {
        track: { entranceId, queueId, receivedAt: e.at, routed: false, firstQueuedAt: e.at, taskTypeId: null, agentId: null, assignedAt: null, assignedQueueId: null, ended: false },
        increments: inc,
      };
    }
    case 'contact.held':
      if (t) t.firstQueuedAt = null; // queue time starts when the entrance opens
      return { track: t, increments: inc };
    case 'contact.routed': {
      if (!t) return { track: t, increments: inc };
      const how = str(e.data.how);
      const queueId = str(e.data.queueId);
      const taskTypeId = str(e.data.taskTypeId);
      if (how === 'opened' || t.firstQueuedAt === null) t.firstQueuedAt = e.at;
      if (how === 'transfer' || how === 'move') {
        add('queue', t.queueId, e.at, { transferred: 1 });
        if (how === 'transfer') add('agent', t.agentId ?? str(e.agentId), e.at, { transferred: 1 });
        t.agentId = null;
        t.assignedAt = null;
      }
      const personal = str(e.data.personalAgentId) !== null;
      if (queueId && !personal && (how === 'transfer' || how === 'move')) {
        add('queue', queueId, e.at, { received: 1 }); // entering a queue again, even the same one
        t.queueId = queueId;
      } else if (queueId && queueId !== t.queueId) {
        if (!t.routed && t.receivedAt !== null) {
          // First routing away from the entrance's queue: the arrival counts at the queue it was routed to.
          add('queue', t.queueId, t.receivedAt, { received: -1 });
        }
        add('queue', queueId, e.at, { received: 1 });
        t.queueId = queueId;
      }
      t.routed = true;
      t.taskTypeId = taskTypeId ?? t.taskTypeId;
      return { track: t, increments: inc };
    }
    case 'contact.assigned': {
      if (!t) return { track: t, increments: inc };
      const agentId = str(e.data.agentId) ?? e.agentId;
      const queueTime = Math.max(0, e.at - (t.firstQueuedAt ?? e.at));
      const established = t.answeredTaskType === undefined || t.answeredTaskType !== t.taskTypeId;
      const q = t.queueId ? queues[t.queueId] : undefined;
      const counters: Partial<Counters> = {
        answered: 1, queue_ms_sum: queueTime, queue_ms_max: queueTime,
        ...(established
          ? { established: 1, sl1: q && queueTime <= q.sl1Minutes * 60_000 ? 1 : 0, sl2: q && queueTime <= q.sl2Minutes * 60_000 ? 1 : 0 }
          : { re_established: 1 }),
      };
      add('queue', t.queueId, e.at, counters);
      add('entrance', t.entranceId, e.at, counters);
      add('task-type', t.taskTypeId ?? NO_TASK_TYPE, e.at, counters);
      add('agent', agentId, e.at, counters);
      t.answeredTaskType = t.taskTypeId;
      t.agentId = agentId;
      t.assignedAt = e.at;
      t.assignedQueueId = t.queueId;
      return { track: t, increments: inc };
    }
    case 'contact.closed': {
      if (!t || t.assignedAt === null) return { track: t, increments: inc };
      // Closed by its agent without handling it (e.g. spam): an unhandled close, not handling time.
      const counters = str(e.data.unhandledReason) ? { closed_unhandled: 1 } : { handled: 1, handle_ms_sum: Math.max(0, e.at - t.assignedAt) };
      add('queue', t.assignedQueueId, e.at, counters);
      add('entrance', t.entranceId, e.at, counters);
      add('task-type', t.taskTypeId ?? NO_TASK_TYPE, e.at, counters);
      add('agent', t.agentId, e.at, counters);
      t.assignedAt = null;
      t.ended = true;
      return { track: t, increments: inc };
    }
    case 'contact.ended':
    case 'contact.closed_unhandled': {
      if (!t || t.ended) return { track: t, increments: inc };
      const counters = { closed_unhandled: 1 };
      add('queue', t.queueId, e.at, counters);
      add('entrance', t.entranceId, e.at, counters);
      add('task-type', t.taskTypeId ?? NO_TASK_TYPE, e.at, counters);
      t.ended = true;
      return { track: t, increments: inc };
    }
    case 'answer.state': {
      // An agent's answer left through SMTP: counted per entrance of its From address (the storage layer adds entranceId) and per agent.
      if (e.data.state !== 'sent') return { track: t, increments: inc };
      add('entrance', str(e.data.entranceId), e.at, { outgoing: 1 });
      add('agent', str(e.data.agentId) ?? e.agentId, e.at, { outgoing: 1 });
      return { track: t, increments: inc };
    }
    default:
      return { track: t, increments: inc };
  }
}

/** A statistics row key: granularity, dimension, key and interval start. */
export interface RowKey { granularity: '15m' | 'day'; dimension: Dimension; key: string; start: number }

/** Folds increments into 15-minute and day rows (sums, and the maximum for queue_ms_max). */
export function mergeIncrements(increments: Increment[], into = new Map<string, { row: RowKey; counters: Counters }>()) {
  for (const i of increments) {
    for (const [granularity, size] of [['15m', INTERVAL_MS], ['day', DAY_MS]] as const) {
      const start = intervalStart(i.at, size);
      const id = `${granularity}|${i.dimension}|${start}|${i.key}`;
      let entry = into.get(id);
      if (!entry) { entry = { row: { granularity, dimension: i.dimension, key: i.key, start }, counters: emptyCounters() }; into.set(id, entry); }
      for (const [k, v] of Object.entries(i.add) as [keyof Counters, number][]) {
        entry.counters[k] = k === 'queue_ms_max' ? Math.max(entry.counters[k], v) : entry.counters[k] + v;
      }
    }
  }
  return into;
}

/** Report figures from summed counters. */
export function figures(c: Counters) {
  const pct = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 1000) / 10 : null);
  return {
    received: c.received, established: c.established, reEstablished: c.re_established, closedUnhandled: c.closed_unhandled, transferred: c.transferred,
    sl1Percent: pct(c.sl1, c.established), sl2Percent: pct(c.sl2, c.established),
    avgQueueSeconds: c.answered > 0 ? Math.round(c.queue_ms_sum / c.answered / 1000) : null,
    maxQueueSeconds: c.answered > 0 ? Math.round(c.queue_ms_max / 1000) : null,
    handled: c.handled, avgHandlingSeconds: c.handled > 0 ? Math.round(c.handle_ms_sum / c.handled / 1000) : null,
    outgoing: c.outgoing,
  };
}

/** Sums counters (queue_ms_max by maximum). */
export function addCounters(a: Counters, b: Counters): Counters {
  const out = emptyCounters();
  for (const k of COUNTER_NAMES) out[k] = k === 'queue_ms_max' ? Math.max(a[k], b[k]) : a[k] + b[k];
  return out;
}

/** The start of the report interval an instant falls in (UTC). */
export function bucketStart(at: number, interval: '15m' | 'hour' | 'day' | 'month'): number {
  if (interval === '15m') return intervalStart(at, INTERVAL_MS);
  if (interval === 'hour') return intervalStart(at, 3_600_000);
  if (interval === 'day') return intervalStart(at, DAY_MS);
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

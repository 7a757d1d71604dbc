import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { addCounters, bucketStart, DAY_MS, emptyCounters, figures, NO_TASK_TYPE, type Counters, type Dimension } from '../../core/statistics/intervals.js';
import { readIntervals, updateStatistics } from '../../storage/repositories/statistics.js';
import { requireRole } from '../auth.js';
import { ApiError, errorBodySchema } from '../errors.js';
import { isoTime } from '../schemas.js';

/**
 * Service-level statistics per queue, entrance, task type or agent, per 15 minutes, hour, day or
 * month (UTC), from the interval tables (core/statistics/intervals.ts). JSON, or CSV with
 * Accept: text/csv or format=csv.
 */
const INTERVALS = ['15m', 'hour', 'day', 'month'] as const;
type Interval = (typeof INTERVALS)[number];
/** The longest range per interval, so a report stays a report. */
const MAX_RANGE_DAYS: Record<Interval, number> = { '15m': 31, hour: 366, day: 3660, month: 3660 };

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s)), 'an ISO 8601 date or time');
const parseInstant = (s: string) => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);

const figuresSchema = {
  received: z.number(), established: z.number().describe('Answered the first time, or after a requeue that changed the task type'),
  reEstablished: z.number().describe('Answered again after a requeue, task type unchanged'), closedUnhandled: z.number(), transferred: z.number(),
  sl1Percent: z.number().nullable().describe('Established within the queue\'s SL1 minutes'), sl2Percent: z.number().nullable(),
  avgQueueSeconds: z.number().nullable().describe('From the first queue entry to delivery, credited to the delivering queue'), maxQueueSeconds: z.number().nullable(),
  handled: z.number(), avgHandlingSeconds: z.number().nullable(), outgoing: z.number().describe('Agents\' answers sent (entrance of the From address; agent)'),
};
const statRow = z.object({ key: z.string(), name: z.string(), start: z.string(), end: z.string(), ...figuresSchema }).describe('StatisticsRow');
const statTotal = z.object({ key: z.string(), name: z.string(), ...figuresSchema }).describe('StatisticsTotal');

const CSV_COLUMNS = ['key', 'name', 'start', 'end', 'received', 'established', 'reEstablished', 'closedUnhandled', 'transferred', 'sl1Percent', 'sl2Percent',
  'avgQueueSeconds', 'maxQueueSeconds', 'handled', 'avgHandlingSeconds', 'outgoing'] as const;
const csvCell = (v: unknown) => { const s = v === null || v === undefined ? '' : String(v); return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };

function bucketEnd(start: number, interval: Interval): number {
  if (interval === '15m') return start + 15 * 60_000;
  if (interval === 'hour') return start + 3_600_000;
  if (interval === 'day') return start + DAY_MS;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

async function names(deps: Deps, dimension: Dimension): Promise<Map<string, string>> {
  const db = deps.storage.db;
  const rows = dimension === 'queue' ? await db.selectFrom('queues').select(['id', 'name']).execute()
    : dimension === 'entrance' ? await db.selectFrom('entrances').select(['id', 'name']).execute()
      : dimension === 'task-type' ? await db.selectFrom('task_types').select(['id', 'name']).execute()
        : await db.selectFrom('users').select(['id', 'username as name']).execute();
  const map = new Map(rows.map((r) => [r.id, r.name]));
  if (dimension === 'task-type') map.set(NO_TASK_TYPE, 'no task type');
  return map;
}

export function statisticsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/v1/statistics', {
      preHandler: requireRole('admin', 'supervisor'),
      schema: {
        summary: 'Statistics per queue, entrance, task type or agent over a date range', tags: ['statistics'],
        description: 'Intervals are UTC. from is inclusive, to exclusive (dates mean midnight UTC); default: today. Longest range: 31 days at 15m, 366 at hour. '
          + 'Send Accept: text/csv or format=csv for a CSV file with the same columns. Outgoing: agents\' answers sent, per entrance of the From address (and per agent).',
        querystring: z.object({
          dimension: z.enum(['queue', 'entrance', 'task-type', 'agent']).default('queue'),
          interval: z.enum(INTERVALS).default('day'),
          from: instant.optional(), to: instant.optional(),
          key: z.string().min(1).max(200).optional().describe('Only this queue / entrance / task type / agent id'),
          format: z.enum(['json', 'csv']).optional(),
        }).strict(),
        response: {
          200: z.object({ dimension: z.string(), interval: z.string(), from: z.string(), to: z.string(), rows: z.array(statRow), totals: z.array(statTotal) }),
          '4xx': errorBodySchema,
        },
      },
    }, async (request, reply) => {
      const q = request.query;
      const today = Math.floor(deps.clock() / DAY_MS) * DAY_MS;
      const from = q.from ? parseInstant(q.from) : today;
      const to = q.to ? parseInstant(q.to) : from + DAY_MS;
      if (to <= from) throw new ApiError(400, 'statistics.bad_range', '"to" must be after "from"', [{ path: 'query.to', message: 'must be after from' }]);
      if (to - from > MAX_RANGE_DAYS[q.interval] * DAY_MS) {
        throw new ApiError(400, 'statistics.range_too_long', `at interval ${q.interval} the range may be at most ${MAX_RANGE_DAYS[q.interval]} days`, [{ path: 'query.to', message: 'range too long' }]);
      }
      await updateStatistics(deps.storage);
      const dimension = q.dimension as Dimension;
      const coarse = q.interval === 'day' || q.interval === 'month';
      // Day rows serve whole days; a range that cuts into a day is read from the 15-minute rows.
      const granularity = coarse && from % DAY_MS === 0 && to % DAY_MS === 0 ? 'day' : '15m';
      const stored = await readIntervals(deps.storage.db, { granularity, dimension, from, to, key: q.key });
      const buckets = new Map<string, { key: string; start: number; counters: Counters }>();
      const totals = new Map<string, Counters>();
      for (const r of stored) {
        const start = bucketStart(r.start, q.interval);
        const id = `${r.key}|${start}`;
        const b = buckets.get(id);
        buckets.set(id, { key: r.key, start, counters: b ? addCounters(b.counters, r.counters) : r.counters });
        totals.set(r.key, addCounters(totals.get(r.key) ?? emptyCounters(), r.counters));
      }
      const nameOf = await names(deps, dimension);
      const rows = [...buckets.values()].sort((a, b) => a.start - b.start || a.key.localeCompare(b.key)).map((b) => ({
        key: b.key, name: nameOf.get(b.key) ?? b.key, start: isoTime(b.start), end: isoTime(bucketEnd(b.start, q.interval)), ...figures(b.counters),
      }));
      const totalRows = [...totals.entries()].map(([key, c]) => ({ key, name: nameOf.get(key) ?? key, ...figures(c) })).sort((a, b) => a.name.localeCompare(b.name));
      const wantsCsv = q.format === 'csv' || (q.format === undefined && /\btext\/csv\b/.test(String(request.headers.accept ?? '')));
      if (wantsCsv) {
        const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(','))];
        const file = `statistics-${dimension}-${q.interval}-${isoTime(from).slice(0, 10)}.csv`;
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}"`).send(`${lines.join('\r\n')}\r\n` as never);
      }
      return { dimension, interval: q.interval, from: isoTime(from), to: isoTime(to), rows, totals: totalRows };
    });
  };
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { addCounters, DAY_MS, emptyCounters, figures, NO_TASK_TYPE, type Counters, type Dimension } from '../../core/statistics/intervals.js';
import { canonicalTimeZone, isoInZone, localMidnight, localParts, zonedBucketEnd, zonedBucketStart } from '../../core/statistics/zone.js';
import { readIntervals, updateStatistics } from '../../storage/repositories/statistics.js';
import { requireRole } from '../auth.js';
import { ApiError, errorBodySchema } from '../errors.js';

/**
 * Service-level statistics per queue, entrance, task type or agent, per 15 minutes, hour, day or
 * month in a time zone (default SWITCHYARD_TIME_ZONE, else UTC; core/statistics/zone.ts), from the
 * interval tables (core/statistics/intervals.ts). JSON, or CSV with Accept: text/csv or format=csv.
 * Stored day rows are UTC days: they serve day and month reports in UTC only; other zones sum the
 * 15-minute rows into local days (so such reports are limited to 366 days).
 */
const INTERVALS = ['15m', 'hour', 'day', 'month'] as const;
type Interval = (typeof INTERVALS)[number];
/** The longest range per interval, so a report stays a report. */
const MAX_RANGE_DAYS: Record<Interval, number> = { '15m': 31, hour: 366, day: 3660, month: 3660 };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(DATE.test(s) ? `${s}T00:00:00Z` : s)), 'an ISO 8601 date or time');
/** A date is local midnight in the report's zone; a date-time is that instant. */
const parseInstant = (s: string, timeZone: string) => (DATE.test(s) ? localMidnight(s, timeZone) : Date.parse(s));
const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu', 'Etc/GMT0', 'Etc/GMT+0', 'Etc/GMT-0', 'GMT0', 'Etc/Greenwich', 'Greenwich']);

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
        description: 'Intervals are in timeZone (an IANA name; default the server\'s SWITCHYARD_TIME_ZONE, else UTC): 15m and hour follow the zone\'s offset, day and month its calendar (a DST day has 23 or 25 hours). '
          + 'Times in the answer carry the zone\'s offset. from is inclusive, to exclusive (dates mean local midnight); default: today. Longest range: 31 days at 15m, 366 at hour (and at day or month outside UTC). '
          + 'Send Accept: text/csv or format=csv for a CSV file with the same columns. Outgoing: agents\' answers sent, per entrance of the From address (and per agent).',
        querystring: z.object({
          dimension: z.enum(['queue', 'entrance', 'task-type', 'agent']).default('queue'),
          interval: z.enum(INTERVALS).default('day'),
          from: instant.optional(), to: instant.optional(),
          key: z.string().min(1).max(200).optional().describe('Only this queue / entrance / task type / agent id'),
          timeZone: z.string().min(1).max(100).optional().describe('IANA time zone of the intervals, e.g. Europe/Berlin'),
          format: z.enum(['json', 'csv']).optional(),
        }).strict(),
        response: {
          200: z.object({ dimension: z.string(), interval: z.string(), timeZone: z.string(), from: z.string(), to: z.string(), rows: z.array(statRow), totals: z.array(statTotal) }),
          '4xx': errorBodySchema,
        },
      },
    }, async (request, reply) => {
      const q = request.query;
      const timeZone = canonicalTimeZone(q.timeZone ?? deps.config.timeZone);
      if (!timeZone) throw new ApiError(400, 'statistics.bad_time_zone', `"${q.timeZone}" is no time zone; give an IANA name such as Europe/Berlin or UTC`, [{ path: 'query.timeZone', message: 'unknown time zone' }]);
      const utc = UTC_NAMES.has(timeZone);
      const now = localParts(deps.clock(), timeZone);
      const today = localMidnight(`${now.year}-${String(now.month).padStart(2, '0')}-${String(now.day).padStart(2, '0')}`, timeZone);
      const from = q.from ? parseInstant(q.from, timeZone) : today;
      const to = q.to ? parseInstant(q.to, timeZone) : zonedBucketEnd(from, 'day', timeZone);
      if (to <= from) throw new ApiError(400, 'statistics.bad_range', '"to" must be after "from"', [{ path: 'query.to', message: 'must be after from' }]);
      const coarse = q.interval === 'day' || q.interval === 'month';
      const maxDays = coarse && !utc ? Math.min(MAX_RANGE_DAYS[q.interval], MAX_RANGE_DAYS.hour) : MAX_RANGE_DAYS[q.interval];
      if (to - from > maxDays * DAY_MS + 2 * 3_600_000) {
        throw new ApiError(400, 'statistics.range_too_long', `at interval ${q.interval}${coarse && !utc ? ' outside UTC' : ''} the range may be at most ${maxDays} days`, [{ path: 'query.to', message: 'range too long' }]);
      }
      await updateStatistics(deps.storage);
      const dimension = q.dimension as Dimension;
      // Day rows (UTC days) serve whole UTC days; anything else is read from the 15-minute rows.
      const granularity = coarse && utc && from % DAY_MS === 0 && to % DAY_MS === 0 ? 'day' : '15m';
      const stored = await readIntervals(deps.storage.db, { granularity, dimension, from, to, key: q.key });
      const buckets = new Map<string, { key: string; start: number; counters: Counters }>();
      const totals = new Map<string, Counters>();
      const startOf = new Map<number, number>(); // many rows share an instant: the zone arithmetic once each
      for (const r of stored) {
        let start = startOf.get(r.start);
        if (start === undefined) { start = zonedBucketStart(r.start, q.interval, timeZone); startOf.set(r.start, start); }
        const id = `${r.key}|${start}`;
        const b = buckets.get(id);
        buckets.set(id, { key: r.key, start, counters: b ? addCounters(b.counters, r.counters) : r.counters });
        totals.set(r.key, addCounters(totals.get(r.key) ?? emptyCounters(), r.counters));
      }
      const nameOf = await names(deps, dimension);
      const rows = [...buckets.values()].sort((a, b) => a.start - b.start || a.key.localeCompare(b.key)).map((b) => ({
        key: b.key, name: nameOf.get(b.key) ?? b.key, start: isoInZone(b.start, timeZone), end: isoInZone(zonedBucketEnd(b.start, q.interval, timeZone), timeZone), ...figures(b.counters),
      }));
      const totalRows = [...totals.entries()].map(([key, c]) => ({ key, name: nameOf.get(key) ?? key, ...figures(c) })).sort((a, b) => a.name.localeCompare(b.name));
      const wantsCsv = q.format === 'csv' || (q.format === undefined && /\btext\/csv\b/.test(String(request.headers.accept ?? '')));
      if (wantsCsv) {
        const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(','))];
        const file = `statistics-${dimension}-${q.interval}-${isoInZone(from, timeZone).slice(0, 10)}.csv`;
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}"`).send(`${lines.join('\r\n')}\r\n` as never);
      }
      return { dimension, interval: q.interval, timeZone, from: isoInZone(from, timeZone), to: isoInZone(to, timeZone), rows, totals: totalRows };
    });
  };
}

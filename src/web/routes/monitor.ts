import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { DAY_MS, figures, intervalStart, INTERVAL_MS } from '../../core/statistics/intervals.js';
import { readIntervals, updateStatistics } from '../../storage/repositories/statistics.js';
import { requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { idParams, isoTime } from '../schemas.js';

/** The supervisor monitor: live queue and agent figures, today's 15-minute chart data, queue thresholds. */
const monitorQueue = z.object({
  id: z.string(), name: z.string(), areaId: z.string(), kind: z.string(),
  waiting: z.number().describe('Waiting in the queue now (not held out of hours)'), held: z.number().describe('Arrived while the entrance was closed'),
  offered: z.number(), assigned: z.number(),
  longestWaitSeconds: z.number().describe('Since the oldest waiting contact first entered a queue'), oldestQueuedAt: z.string().nullable(),
  agents: z.object({
    loggedIn: z.number(), ready: z.number().describe('Ready with nothing offered or assigned'), busy: z.number().describe('Ready, holding contacts'),
    paused: z.number(), wrapUp: z.number(),
  }).describe('Agents who can serve this queue'),
  estimatedQueueSeconds: z.number().nullable().describe('For a new contact; null when nobody is logged in to serve it'),
  sl1Minutes: z.number(), sl2Minutes: z.number(),
  today: z.object({ received: z.number(), established: z.number(), sl1Percent: z.number().nullable(), sl2Percent: z.number().nullable() }),
  thresholds: z.object({ longestWaitSeconds: z.number().nullable(), slPercent: z.number().nullable() }),
  alerts: z.object({ longestWait: z.boolean(), serviceLevel: z.boolean().describe("Today's SL1 below the threshold") }).describe('Show the row red'),
}).describe('MonitorQueue');

const monitorAgent = z.object({
  id: z.string(), username: z.string(), displayName: z.string(), state: z.enum(['logged_out', 'ready', 'paused', 'wrap_up']), stateSince: z.string(),
  secondsInState: z.number(), pauseReason: z.string().nullable(), contacts: z.object({ offered: z.number(), assigned: z.number() }), capacity: z.number(),
  queueIds: z.array(z.string()).describe('Queues the agent can serve now'),
}).describe('MonitorAgent');

const intervalRow = z.object({
  start: z.string(), arrivals: z.number(), answered: z.number().describe('Established and re-established'), handled: z.number().describe('Closed by an agent'),
  sl1Percent: z.number().nullable(), sl2Percent: z.number().nullable(),
});

const thresholdsBody = z.object({
  longestWaitSeconds: z.number().int().min(1).max(31_536_000).nullable().describe('Longest wait beyond this turns the row red; null = none'),
  slPercent: z.number().min(0).max(100).nullable().describe("Today's SL1 below this turns the row red; null = none"),
}).strict();

export function monitorRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const staff = requireRole('admin', 'supervisor');
    const db = deps.storage.db;

    app.get('/api/v1/monitor', {
      preHandler: staff,
      schema: {
        summary: 'Live monitor: per queue and per agent', tags: ['monitor'],
        description: 'Live counts from the queue engine; today\'s service levels are refreshed at most every 15 s (aggregatesAt). Supervisors\' event sockets get a coalesced {type:"monitor.changed"} at most every second: read this again then.',
        response: { 200: z.object({ at: z.string(), aggregatesAt: z.string().nullable(), queues: z.array(monitorQueue), agents: z.array(monitorAgent) }), '4xx': errorBodySchema },
      },
    }, async () => app.monitor.get());

    app.get('/api/v1/monitor/intervals', {
      preHandler: staff,
      schema: {
        summary: 'Chart data: arrivals, answered, handled and service level per 15 minutes of a day, per queue and per entrance', tags: ['monitor'],
        querystring: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD (UTC)').optional().describe('Default: today (UTC)') }).strict(),
        response: {
          200: z.object({
            date: z.string(),
            queues: z.array(z.object({ id: z.string(), name: z.string(), intervals: z.array(intervalRow) })),
            entrances: z.array(z.object({ id: z.string(), name: z.string(), intervals: z.array(intervalRow) })),
          }),
          '4xx': errorBodySchema,
        },
      },
    }, async (request) => {
      const day = request.query.date ? Date.parse(`${request.query.date}T00:00:00Z`) : intervalStart(deps.clock(), DAY_MS);
      if (Number.isNaN(day)) throw new ApiError(400, 'request.invalid', 'not a date', [{ path: 'query.date', message: 'not a date' }]);
      await updateStatistics(deps.storage);
      const series = async (dimension: 'queue' | 'entrance', names: Array<{ id: string; name: string }>) => {
        const rows = await readIntervals(db, { granularity: '15m', dimension, from: day, to: day + DAY_MS });
        return names.map((n) => ({
          id: n.id, name: n.name,
          intervals: Array.from({ length: DAY_MS / INTERVAL_MS }, (_, i) => day + i * INTERVAL_MS).map((start) => {
            const r = rows.find((x) => x.key === n.id && x.start === start);
            const f = r ? figures(r.counters) : null;
            return { start: isoTime(start), arrivals: f?.received ?? 0, answered: r ? r.counters.answered : 0, handled: f?.handled ?? 0, sl1Percent: f?.sl1Percent ?? null, sl2Percent: f?.sl2Percent ?? null };
          }),
        }));
      };
      const [queues, entrances] = await Promise.all([
        db.selectFrom('queues').select(['id', 'name']).orderBy('name').execute(),
        db.selectFrom('entrances').select(['id', 'name']).orderBy('name').execute(),
      ]);
      return { date: isoTime(day).slice(0, 10), queues: await series('queue', queues), entrances: await series('entrance', entrances) };
    });

    const thresholdsView = async (id: string) => {
      const q = await db.selectFrom('queues').select(['id', 'threshold_longest_wait_seconds', 'threshold_sl_percent']).where('id', '=', id).executeTakeFirst();
      if (!q) throw notFound('queue', id);
      return { id: q.id, longestWaitSeconds: q.threshold_longest_wait_seconds, slPercent: q.threshold_sl_percent === null ? null : Number(q.threshold_sl_percent) };
    };
    const thresholdsSchema = z.object({ id: z.string(), longestWaitSeconds: z.number().nullable(), slPercent: z.number().nullable() }).describe('QueueThresholds');

    app.get('/api/v1/queues/:id/thresholds', {
      preHandler: staff,
      schema: { summary: "A queue's monitor thresholds", tags: ['monitor'], params: idParams, response: { 200: thresholdsSchema, '4xx': errorBodySchema } },
    }, async (request) => thresholdsView(request.params.id));

    app.put('/api/v1/queues/:id/thresholds', {
      preHandler: requireRole('admin'),
      schema: { summary: "Set a queue's monitor thresholds (longest wait, service level)", tags: ['monitor'], params: idParams, body: thresholdsBody, response: { 200: thresholdsSchema, '4xx': errorBodySchema } },
    }, async (request) => {
      await thresholdsView(request.params.id);
      await db.updateTable('queues').set({ threshold_longest_wait_seconds: request.body.longestWaitSeconds, threshold_sl_percent: request.body.slPercent === null ? null : Math.round(request.body.slPercent) })
        .where('id', '=', request.params.id).execute();
      app.monitor.invalidate();
      return thresholdsView(request.params.id);
    });
  };
}

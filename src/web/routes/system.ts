import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { queueCounts } from '../../storage/repositories/contacts.js';
import { outboxBacklog } from '../../storage/repositories/outbox.js';
import { ApiError } from '../errors.js';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * /metrics names queues (mailbox addresses): with a token configured it needs that bearer token
 * (compared in constant time); without one it is served only to the machine itself.
 */
function checkMetricsAccess(request: FastifyRequest, token: string | null): void {
  if (token) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const given = Buffer.from(m ? m[1] : '');
    const wanted = Buffer.from(token);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new ApiError(401, 'metrics.unauthorized', 'Send the metrics token as "Authorization: Bearer <SWITCHYARD_METRICS_TOKEN>".');
    }
    return;
  }
  const relayed = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  if (relayed || !LOOPBACK.test(request.socket.remoteAddress ?? '')) {
    throw new ApiError(403, 'metrics.forbidden', 'Metrics are served only to this machine; set SWITCHYARD_METRICS_TOKEN to scrape them from elsewhere.');
  }
}

/** Public, unauthenticated endpoints: the health check, Prometheus metrics (see checkMetricsAccess). The page at / is the web app (../spa.ts). */
export function systemRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/healthz', {
      config: { public: true },
      schema: {
        summary: 'Health check', tags: ['system'], security: [],
        description: 'Runs a trivial database query; 503 when the database does not answer.',
        response: { 200: z.object({ status: z.literal('ok'), db: z.literal('ok') }), 503: z.object({ status: z.literal('error'), db: z.literal('error') }) },
      },
    }, async (request, reply) => {
      try {
        await sql`select 1`.execute(deps.storage.db);
        return reply.code(200).send({ status: 'ok' as const, db: 'ok' as const });
      } catch (err) {
        request.log.error({ err }, 'health check: database failed');
        return reply.code(503).send({ status: 'error' as const, db: 'error' as const });
      }
    });

    app.get('/metrics', {
      config: { public: true },
      schema: {
        summary: 'Prometheus metrics (text exposition format)', tags: ['system'], security: [],
        description: 'With SWITCHYARD_METRICS_TOKEN set: needs "Authorization: Bearer <that token>". Without it: answers only '
          + 'loopback clients that are not relayed by a proxy (no X-Forwarded-For / Forwarded header); others get 403.',
      },
    }, async (request, reply) => {
      checkMetricsAccess(request, deps.config.http.metricsToken);
      const [counts, backlog] = await Promise.all([queueCounts(deps.storage.db), outboxBacklog(deps.storage.db)]);
      deps.metrics.queueSize.reset();
      for (const c of counts) deps.metrics.queueSize.set({ queue: c.queue, status: c.status }, Number(c.n));
      deps.metrics.outboxBacklog.set(backlog);
      return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    });
  };
}

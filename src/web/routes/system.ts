import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { queueCounts } from '../../storage/repositories/contacts.js';
import { outboxBacklog } from '../../storage/repositories/outbox.js';

/** Public, unauthenticated endpoints: the health check, Prometheus metrics. (The page at / is the web app: ../spa.ts.) */
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
      schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['system'], security: [] },
    }, async (_request, reply) => {
      const [counts, backlog] = await Promise.all([queueCounts(deps.storage.db), outboxBacklog(deps.storage.db)]);
      deps.metrics.queueSize.reset();
      for (const c of counts) deps.metrics.queueSize.set({ queue: c.queue, status: c.status }, Number(c.n));
      deps.metrics.outboxBacklog.set(backlog);
      return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    });
  };
}

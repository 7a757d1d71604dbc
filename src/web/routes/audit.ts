import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { requireRole } from '../auth.js';
import { errorBodySchema } from '../errors.js';
import { isoTime } from '../schemas.js';

/** The audit log of configuration changes (written by web/audit.ts), newest first, for admins. */
const auditEntrySchema = z.object({
  id: z.number(), at: z.string().describe('ISO 8601 time'), userId: z.string().nullable(), username: z.string().nullable(),
  objectType: z.string().describe('The API collection, e.g. users, smtp-servers, accounts, queues, entrances.auto-answer, quarantine'),
  objectId: z.string().nullable(), action: z.string().describe('create, update, delete, or an action such as release, retry, password'),
  before: z.unknown().nullable().describe('The object as the API showed it before (secrets masked)'),
  after: z.unknown().nullable().describe('The response of the change (secrets masked)'),
}).describe('AuditEntry');

export function auditRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/v1/audit', {
      preHandler: requireRole('admin'),
      schema: {
        summary: 'The audit log of configuration changes', tags: ['audit'],
        querystring: z.object({
          objectType: z.string().min(1).max(100).optional(), objectId: z.string().min(1).max(200).optional(), userId: z.string().min(1).max(200).optional(),
          beforeId: z.coerce.number().int().min(1).optional().describe('Page back: entries older than this id'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }).strict(),
        response: { 200: z.object({ entries: z.array(auditEntrySchema) }), '4xx': errorBodySchema },
      },
    }, async (request) => {
      const q = request.query;
      let query = deps.storage.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit);
      if (q.objectType) query = query.where('object_type', '=', q.objectType);
      if (q.objectId) query = query.where('object_id', '=', q.objectId);
      if (q.userId) query = query.where('user_id', '=', q.userId);
      if (q.beforeId) query = query.where('id', '<', q.beforeId);
      const parse = (v: string | null) => (v === null ? null : JSON.parse(v) as unknown);
      return {
        entries: (await query.execute()).map((r) => ({
          id: Number(r.id), at: isoTime(Number(r.at)), userId: r.user_id, username: r.username, objectType: r.object_type, objectId: r.object_id,
          action: r.action, before: parse(r.before), after: parse(r.after),
        })),
      };
    });
  };
}

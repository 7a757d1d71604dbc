import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { listQuarantine } from '../../storage/repositories/contacts.js';
import { getInboundRaw } from '../../storage/repositories/inbound.js';
import { listOutbox } from '../../storage/repositories/outbox.js';
import { requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { idParams, isoTime, isoTimeOrNull, outboxViewSchema, pageQuery, quarantineViewSchema } from '../schemas.js';
import { sendDownload } from './download.js';

/** What operators look at when mail goes wrong: the quarantine and the outbox. */
const outboxQuery = z.object({
  contactId: z.string().min(1).max(200).optional(),
  status: z.enum(['pending', 'sending', 'sent', 'failed', 'cancelled']).optional(),
}).strict();

export function operationsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const db = deps.storage.db;
    const staff = requireRole('admin', 'supervisor');

    app.get('/api/v1/quarantine', {
      preHandler: staff,
      schema: {
        summary: 'Quarantined messages, newest first', tags: ['operations'],
        querystring: z.object(pageQuery).strict(),
        response: { 200: z.object({ quarantine: z.array(quarantineViewSchema) }), '4xx': errorBodySchema },
      },
    }, async (request) => ({
      quarantine: (await listQuarantine(db, request.query.limit, request.query.offset)).map((q) => ({
        id: Number(q.id), inboundMessageId: q.inbound_message_id === null ? null : Number(q.inbound_message_id), accountId: q.account_id,
        reasonCode: q.reason_code, reason: q.reason, size: q.size === null ? null : Number(q.size), createdAt: isoTime(q.created_at),
      })),
    }));

    app.get('/api/v1/quarantine/:id/raw', {
      preHandler: requireRole('admin'),
      schema: { summary: 'The raw quarantined message (message/rfc822)', tags: ['operations'], params: idParams },
    }, async (request, reply) => {
      const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : null;
      const entry = id === null ? undefined : await db.selectFrom('quarantine').select(['id', 'inbound_message_id']).where('id', '=', id).executeTakeFirst();
      if (!entry) throw notFound('quarantine_entry', request.params.id);
      const raw = entry.inbound_message_id === null ? null : await getInboundRaw(db, Number(entry.inbound_message_id));
      if (!raw) throw new ApiError(404, 'message.not_found', `quarantine entry ${request.params.id} has no stored message`);
      return sendDownload(reply, raw, 'message/rfc822', `quarantine-${request.params.id}.eml`);
    });

    app.get('/api/v1/outbox', {
      preHandler: staff,
      schema: {
        summary: 'Outgoing mail and its delivery state', tags: ['operations'],
        querystring: outboxQuery, response: { 200: z.object({ outbox: z.array(outboxViewSchema) }), '4xx': errorBodySchema },
      },
    }, async (request) => ({
      outbox: (await listOutbox(db, { contactId: request.query.contactId, status: request.query.status })).map((o) => ({
        id: Number(o.id), kind: o.kind, contactId: o.contact_id, accountId: o.account_id, envelopeFrom: o.envelope_from,
        envelopeTo: JSON.parse(o.envelope_to) as string[], status: o.status, attempts: o.attempts, nextAttemptAt: isoTime(o.next_attempt_at),
        lastError: o.last_error, createdAt: isoTime(o.created_at), sentAt: isoTimeOrNull(o.sent_at),
      })),
    }));
  };
}

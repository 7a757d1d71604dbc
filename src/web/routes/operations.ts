import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { listQuarantine } from '../../storage/repositories/contacts.js';
import { getInboundRaw } from '../../storage/repositories/inbound.js';
import { listOutbox } from '../../storage/repositories/outbox.js';
import type { OutboxRow } from '../../storage/schema.js';
import { currentUser, requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { idParams, isoTime, isoTimeOrNull, outboxViewSchema, pageQuery, quarantineViewSchema } from '../schemas.js';
import { sendDownload } from './download.js';

/**
 * What operators look at when mail goes wrong: the quarantine and the outbox. Admins release a
 * quarantined message for processing again (after fixing the cause) or discard it, and retry a
 * failed outgoing message; each is an audit entry (web/audit.ts).
 */
const outboxQuery = z.object({
  contactId: z.string().min(1).max(200).optional(),
  status: z.enum(['pending', 'sending', 'sent', 'failed', 'cancelled']).optional(),
}).strict();

const numericId = (id: string): number | null => (/^\d{1,15}$/.test(id) ? Number(id) : null);

type QuarantineRow = Awaited<ReturnType<typeof listQuarantine>>[number];
const quarantineView = (q: QuarantineRow) => ({
  id: Number(q.id), inboundMessageId: q.inbound_message_id === null ? null : Number(q.inbound_message_id), accountId: q.account_id,
  reasonCode: q.reason_code, reason: q.reason, size: q.size === null ? null : Number(q.size), createdAt: isoTime(q.created_at),
  resolution: q.resolution, resolvedAt: isoTimeOrNull(q.resolved_at === null ? null : Number(q.resolved_at)), resolvedBy: q.resolved_by,
});

type OutboxListRow = Omit<OutboxRow, 'raw' | 'claimed_by' | 'claim_expires_at'>;
const outboxView = (o: OutboxListRow) => ({
  id: Number(o.id), kind: o.kind, contactId: o.contact_id, accountId: o.account_id, envelopeFrom: o.envelope_from,
  envelopeTo: JSON.parse(o.envelope_to) as string[], status: o.status, attempts: o.attempts, nextAttemptAt: isoTime(o.next_attempt_at),
  lastError: o.last_error, createdAt: isoTime(o.created_at), sentAt: isoTimeOrNull(o.sent_at),
});

export function operationsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const db = deps.storage.db;
    const staff = requireRole('admin', 'supervisor');
    const admin = requireRole('admin');

    const quarantineEntry = async (rawId: string) => {
      const id = numericId(rawId);
      const row = id === null ? undefined : (await listQuarantine(db, 1, 0, 'all', id))[0];
      if (!row) throw notFound('quarantine_entry', rawId);
      return row;
    };
    const outboxEntry = async (rawId: string) => {
      const id = numericId(rawId);
      const row = id === null ? undefined : await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('outbox_entry', rawId);
      return row;
    };

    app.get('/api/v1/quarantine', {
      preHandler: staff,
      schema: {
        summary: 'Quarantined messages, newest first', tags: ['operations'],
        querystring: z.object({ ...pageQuery, state: z.enum(['open', 'released', 'discarded', 'all']).default('open').describe('open = not yet released or discarded') }).strict(),
        response: { 200: z.object({ quarantine: z.array(quarantineViewSchema) }), '4xx': errorBodySchema },
      },
    }, async (request) => ({ quarantine: (await listQuarantine(db, request.query.limit, request.query.offset, request.query.state)).map(quarantineView) }));

    app.get('/api/v1/quarantine/:id', {
      preHandler: staff,
      schema: { summary: 'One quarantine entry', tags: ['operations'], params: idParams, response: { 200: quarantineViewSchema, '4xx': errorBodySchema } },
    }, async (request) => quarantineView(await quarantineEntry(request.params.id)));

    app.get('/api/v1/quarantine/:id/raw', {
      preHandler: admin,
      schema: { summary: 'The raw quarantined message (message/rfc822)', tags: ['operations'], params: idParams },
    }, async (request, reply) => {
      const entry = await quarantineEntry(request.params.id);
      const raw = entry.inbound_message_id === null ? null : await getInboundRaw(db, Number(entry.inbound_message_id));
      if (!raw) throw new ApiError(404, 'message.not_found', `quarantine entry ${request.params.id} has no stored message`);
      return sendDownload(reply, raw, 'message/rfc822', `quarantine-${request.params.id}.eml`);
    });

    app.post('/api/v1/quarantine/:id/release', {
      preHandler: admin,
      schema: {
        summary: 'Release a quarantined message: the email server processes it again', tags: ['operations'], params: idParams,
        description: 'For after the cause was fixed (a missing entrance, a raised size limit). The message may be quarantined again with a new entry. 409 quarantine.resolved when already released or discarded.',
        response: { 200: quarantineViewSchema, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const entry = await quarantineEntry(request.params.id);
      if (entry.resolution) throw new ApiError(409, 'quarantine.resolved', `quarantine entry ${entry.id} was already ${entry.resolution}`);
      if (entry.inbound_message_id === null) throw new ApiError(409, 'quarantine.no_message', `quarantine entry ${entry.id} has no stored message to process`);
      const now = deps.clock();
      const user = currentUser(request);
      const released = await deps.storage.transaction(async (trx) => {
        const claimed = await trx.updateTable('quarantine').set({ resolution: 'released', resolved_at: now, resolved_by: user.username })
          .where('id', '=', Number(entry.id)).where('resolution', 'is', null).executeTakeFirst();
        if (Number(claimed.numUpdatedRows) === 0) return false;
        await trx.updateTable('inbound_messages').set({ status: 'stored', attempts: 0, error: null, claimed_by: null, claim_expires_at: null, processed_at: null })
          .where('id', '=', Number(entry.inbound_message_id)).where('status', '=', 'quarantined').execute();
        await trx.insertInto('events').values({ at: now, type: 'message.released', contact_id: null, agent_id: null, data: JSON.stringify({ quarantineId: Number(entry.id), inboundMessageId: Number(entry.inbound_message_id), by: user.id }) }).execute();
        return true;
      });
      if (!released) throw new ApiError(409, 'quarantine.resolved', `quarantine entry ${entry.id} was resolved meanwhile`);
      await deps.bus.publish('inbound', { accountId: entry.account_id });
      return quarantineView(await quarantineEntry(request.params.id));
    });

    app.delete('/api/v1/quarantine/:id', {
      preHandler: admin,
      schema: {
        summary: 'Discard a quarantined message', tags: ['operations'], params: idParams,
        description: 'The entry is marked discarded (the raw message stays downloadable for the record). 409 quarantine.resolved when already released or discarded.',
        response: { 200: quarantineViewSchema, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const entry = await quarantineEntry(request.params.id);
      const r = await db.updateTable('quarantine').set({ resolution: 'discarded', resolved_at: deps.clock(), resolved_by: currentUser(request).username })
        .where('id', '=', Number(entry.id)).where('resolution', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw new ApiError(409, 'quarantine.resolved', `quarantine entry ${entry.id} was already ${entry.resolution ?? 'resolved'}`);
      return quarantineView(await quarantineEntry(request.params.id));
    });

    app.get('/api/v1/outbox', {
      preHandler: staff,
      schema: {
        summary: 'Outgoing mail and its delivery state', tags: ['operations'],
        querystring: outboxQuery, response: { 200: z.object({ outbox: z.array(outboxViewSchema) }), '4xx': errorBodySchema },
      },
    }, async (request) => ({ outbox: (await listOutbox(db, { contactId: request.query.contactId, status: request.query.status })).map(outboxView) }));

    app.get('/api/v1/outbox/:id', {
      preHandler: staff,
      schema: { summary: 'One outgoing message and its delivery state', tags: ['operations'], params: idParams, response: { 200: outboxViewSchema, '4xx': errorBodySchema } },
    }, async (request) => outboxView(await outboxEntry(request.params.id)));

    app.get('/api/v1/outbox/:id/raw', {
      preHandler: admin,
      schema: { summary: 'The raw outgoing message (message/rfc822)', tags: ['operations'], params: idParams },
    }, async (request, reply) => sendDownload(reply, (await outboxEntry(request.params.id)).raw, 'message/rfc822', `outbox-${request.params.id}.eml`));

    app.post('/api/v1/outbox/:id/retry', {
      preHandler: admin,
      schema: {
        summary: 'Retry a failed outgoing message', tags: ['operations'], params: idParams,
        description: 'Puts a failed message back to pending with a fresh attempt count; delivery picks it up at once. 409 outbox.not_failed otherwise.',
        response: { 200: outboxViewSchema, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const row = await outboxEntry(request.params.id);
      const r = await db.updateTable('outbox').set({ status: 'pending', attempts: 0, next_attempt_at: deps.clock(), claimed_by: null, claim_expires_at: null })
        .where('id', '=', Number(row.id)).where('status', '=', 'failed').executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw new ApiError(409, 'outbox.not_failed', `outbox message ${row.id} is ${row.status}; only failed messages can be retried`);
      await deps.bus.publish('outbox');
      return outboxView(await outboxEntry(request.params.id));
    });
  };
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { sanitizeEmailHtml } from '../../adapters/html/sanitize.js';
import { extractAttachment } from '../../adapters/mime/parse.js';
import type { AttachmentInfo } from '../../core/email/types.js';
import { getContact, listContacts, toContactDetail, toContactSummary } from '../../storage/repositories/contacts.js';
import { getInboundRaw } from '../../storage/repositories/inbound.js';
import { withNames } from '../../storage/repositories/desk.js';
import type { ContactRow, UserRow } from '../../storage/schema.js';
import { currentUser, isSupervisor, requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { contactDetailSchema, contactSummarySchema, idParams, pageQuery } from '../schemas.js';
import { sendDownload } from './download.js';

/**
 * Reading contacts. Agents see their own work only (offered to, assigned to or closed
 * by them); supervisors and admins see everything. HTML is sanitized here, on the
 * server, before it reaches any browser.
 */
const listQuery = z.object({
  status: z.enum(['queued', 'offered', 'assigned', 'closed']).optional(),
  mine: z.enum(['active', 'parked', 'closed']).optional()
    .describe('My contacts (for supervisors too): active = assigned to me and not parked, parked, closed (newest first)'),
  ...pageQuery,
}).strict();

const attachmentParams = z.object({ id: z.string().min(1).max(200), index: z.coerce.number().int().min(0).max(10_000) });

export function contactRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const db = deps.storage.db;

    /** The contact if this user may read it: 404 when it does not exist, 403 when it is not theirs. */
    const readable = async (user: UserRow, id: string): Promise<ContactRow> => {
      const contact = await getContact(db, id);
      if (!contact) throw notFound('contact', id);
      if (!isSupervisor(user) && contact.agent_id !== user.id) {
        throw new ApiError(403, 'contact.forbidden', 'This contact is not offered or assigned to you.');
      }
      return contact;
    };

    const rawOf = async (contact: ContactRow, what: string): Promise<Buffer> => {
      const raw = contact.inbound_message_id === null ? null : await getInboundRaw(db, contact.inbound_message_id);
      if (!raw) throw new ApiError(404, `${what}.not_found`, `contact '${contact.id}' has no stored original message`);
      return raw;
    };

    app.get('/api/v1/contacts', {
      schema: {
        summary: 'List contacts', tags: ['contacts'],
        description: 'Agents get only contacts offered to, assigned to or closed by them.',
        querystring: listQuery, response: { 200: z.object({ contacts: z.array(contactSummarySchema) }), '4xx': errorBodySchema },
      },
    }, async (request) => {
      const user = currentUser(request);
      const q = request.query;
      const mineStatus = q.mine === 'closed' ? 'closed' as const : 'assigned' as const;
      if (q.mine && q.status && q.status !== mineStatus) throw new ApiError(400, 'request.invalid', `mine=${q.mine} lists ${mineStatus} contacts; drop status or make it ${mineStatus}`);
      const mine = q.mine === undefined ? {} : {
        agentId: user.id, status: mineStatus, newestFirst: q.mine === 'closed', ...(q.mine === 'closed' ? {} : { parked: q.mine === 'parked' }),
      };
      const rows = await listContacts(db, { status: q.status, limit: q.limit, offset: q.offset, agentId: isSupervisor(user) ? undefined : user.id, ...mine });
      return { contacts: await withNames(db, rows.map(toContactSummary)) };
    });

    app.get('/api/v1/contacts/:id', {
      schema: {
        summary: 'One contact for reading', tags: ['contacts'],
        description: 'html is sanitized: scripts, handlers and remote content removed; cid: images point at the attachment URLs.',
        params: idParams, response: { 200: contactDetailSchema, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const contact = await readable(currentUser(request), request.params.id);
      let html: string | null = null;
      let blocked = 0;
      if (contact.html_body) {
        const cidUrls = new Map<string, string>();
        for (const a of JSON.parse(contact.attachments) as AttachmentInfo[]) {
          if (a.contentId) cidUrls.set(a.contentId, `/api/v1/contacts/${encodeURIComponent(contact.id)}/attachments/${a.index}`);
        }
        const clean = sanitizeEmailHtml(contact.html_body, { cidUrls });
        html = clean.html;
        blocked = clean.blockedRemote;
      }
      const [named] = await withNames(db, [toContactDetail(contact, html)]);
      return { ...named, remoteContentBlocked: blocked };
    });

    app.get('/api/v1/contacts/:id/attachments/:index', {
      schema: {
        summary: 'Download one attachment', tags: ['contacts'],
        description: 'Always served as a download (Content-Disposition: attachment, nosniff, sandboxed).',
        params: attachmentParams,
      },
    }, async (request, reply) => {
      const contact = await readable(currentUser(request), request.params.id);
      const raw = await rawOf(contact, 'attachment');
      const part = await extractAttachment(raw, request.params.index);
      if (!part) throw new ApiError(404, 'attachment.not_found', `contact '${contact.id}' has no attachment ${request.params.index}`);
      return sendDownload(reply, part.content, part.contentType, part.filename);
    });

    app.get('/api/v1/contacts/:id/raw', {
      preHandler: requireRole('admin', 'supervisor'),
      schema: { summary: 'The original message (message/rfc822)', tags: ['contacts'], params: idParams },
    }, async (request, reply) => {
      const contact = await readable(currentUser(request), request.params.id);
      return sendDownload(reply, await rawOf(contact, 'message'), 'message/rfc822', `contact-${contact.id}.eml`);
    });
  };
}

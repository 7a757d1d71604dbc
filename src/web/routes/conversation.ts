import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../app/deps.js';
import { sanitizeEmailHtml } from '../../adapters/html/sanitize.js';
import type { AttachmentInfo, EmailAddress } from '../../core/email/types.js';
import { answersOfCase, effectiveState } from '../../storage/repositories/answers.js';
import { currentUser } from '../auth.js';
import { errorBodySchema } from '../errors.js';
import { idParams } from '../schemas.js';
import { conversationView } from './answer-schemas.js';
import { readableContact } from './answers.js';

/**
 * The whole conversation of a contact's case, in and out, oldest first: the customer's mails
 * (every contact of the case) and the agents' answers with their delivery state. HTML is
 * sanitized here. Answers taken back (undo) are left out.
 */
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const addresses = (json: string) => (JSON.parse(json) as EmailAddress[]).map((a) => a.address);

export function conversationRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const db = deps.storage.db;
    app.get('/api/v1/contacts/:id/conversation', {
      schema: {
        summary: "The case's mails in and out, in order", tags: ['answering'], params: idParams, response: { 200: conversationView, '4xx': errorBodySchema },
        description: 'Incoming: every contact of the case. Outgoing: agents\' answers with their delivery state (state, reason) and the entrance of the From address chosen.',
      },
    }, async (request) => {
      const user = currentUser(request);
      const contact = await readableContact(deps, user, request.params.id);
      const now = deps.clock();
      const contacts = contact.case_id
        ? await db.selectFrom('contacts').selectAll().where('case_id', '=', contact.case_id).execute()
        : [contact];
      const answers = (await answersOfCase(db, contact.case_id ?? null, contact.id)).filter((a) => a.state !== 'cancelled');
      const incoming = contacts.map((c) => {
        const atts = JSON.parse(c.attachments) as AttachmentInfo[];
        const url = (a: AttachmentInfo) => `/api/v1/contacts/${encodeURIComponent(c.id)}/attachments/${a.index}`;
        const cidUrls = new Map(atts.filter((a) => a.contentId).map((a) => [a.contentId as string, url(a)]));
        return {
          at: Number(c.created_at), // order by arrival: Date headers are the sender's clock
          message: {
            direction: 'in' as const, contactId: c.id, answerId: null, messageId: c.message_id, from: c.from_address, fromName: c.from_name,
            to: addresses(c.to_addresses), cc: addresses(c.cc_addresses), date: iso(c.sent_date ?? c.created_at), subject: c.subject,
            html: c.html_body ? sanitizeEmailHtml(c.html_body, { cidUrls }).html : null, text: c.text_body,
            attachments: atts.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, contentId: a.contentId, url: url(a) })),
            entranceId: c.entrance_id, agentId: c.agent_id, state: null, reason: null,
          },
        };
      });
      const outgoing = answers.map((a) => ({
        at: Number(a.sent_at ?? a.created_at),
        message: {
          direction: 'out' as const, contactId: a.contact_id, answerId: a.id, messageId: a.message_id, from: a.from_address, fromName: null,
          to: JSON.parse(a.to_addresses) as string[], cc: JSON.parse(a.cc_addresses) as string[], date: iso(a.sent_at ?? a.created_at), subject: a.subject,
          html: sanitizeEmailHtml(a.html).html, text: a.text,
          attachments: (JSON.parse(a.attachments) as Array<{ filename: string; contentType: string; size: number; contentId: string | null }>).map((x) => ({ ...x, url: null })),
          entranceId: a.entrance_id, agentId: a.agent_id, state: effectiveState(a, now), reason: a.reason,
        },
      }));
      const messages = [...incoming, ...outgoing].sort((x, y) => x.at - y.at).map((x) => x.message);
      return { caseId: contact.case_id ?? null, caseNumber: contact.case_number == null ? null : Number(contact.case_number), messages };
    });
  };
}

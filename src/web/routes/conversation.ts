import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../app/deps.js';
import { sanitizeEmailHtml } from '../../adapters/html/sanitize.js';
import type { AttachmentInfo, EmailAddress } from '../../core/email/types.js';
import { parseEmail } from '../../adapters/mime/parse.js';
import { answersOfCase, effectiveState } from '../../storage/repositories/answers.js';
import type { AnswerState, OutboxStatus } from '../../storage/schema.js';
import { currentUser } from '../auth.js';
import { errorBodySchema } from '../errors.js';
import { idParams } from '../schemas.js';
import { conversationView } from './answer-schemas.js';
import { readableContact } from './answers.js';

/**
 * The whole conversation of a contact's case, in and out, oldest first: the customer's mails
 * (every contact of the case), the agents' answers and the automatic answers, with their
 * delivery state. HTML is sanitized here. Answers taken back (undo) are left out.
 */
const OUTBOX_STATE: Record<OutboxStatus, AnswerState> = { pending: 'queued', sending: 'queued', sent: 'sent', failed: 'failed', cancelled: 'cancelled' };
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const addresses = (json: string) => (JSON.parse(json) as EmailAddress[]).map((a) => a.address);

export function conversationRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const db = deps.storage.db;
    /** Automatic answers of the case's contacts, from their outbox rows (plain text, composed by Switchyard). */
    const automaticAnswers = async (contactIds: string[]) => {
      const rows = contactIds.length === 0 ? [] : await db.selectFrom('outbox')
        .select(['contact_id', 'envelope_from', 'envelope_to', 'raw', 'status', 'attempts', 'last_error', 'created_at', 'sent_at'])
        .where('kind', '=', 'auto_answer').where('contact_id', 'in', contactIds).execute();
      const out = [];
      for (const r of rows) {
        const parsed = await parseEmail(Buffer.from(r.raw));
        const email = parsed.ok ? parsed.email : null;
        const state = OUTBOX_STATE[r.status] === 'queued' && r.attempts > 0 ? 'retrying' as const : OUTBOX_STATE[r.status];
        out.push({
          at: Number(r.sent_at ?? r.created_at),
          message: {
            direction: 'out' as const, kind: 'automatic-answer' as const, contactId: r.contact_id ?? '', answerId: null, messageId: email?.messageId ?? null,
            from: r.envelope_from, fromName: null, to: JSON.parse(r.envelope_to) as string[], cc: [], date: iso(r.sent_at ?? r.created_at), subject: email?.subject ?? '',
            html: null, text: email?.text ?? '', attachments: [], entranceId: null, agentId: null, state, reason: r.status === 'sent' ? null : r.last_error,
          },
        });
      }
      return out;
    };

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
            kind: 'mail' as const, entranceId: c.entrance_id, agentId: c.agent_id, state: null, reason: null,
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
          kind: 'answer' as const, entranceId: a.entrance_id, agentId: a.agent_id, state: effectiveState(a, now), reason: a.reason,
        },
      }));
      const automatic = await automaticAnswers(contacts.map((c) => c.id));
      const messages = [...incoming, ...outgoing, ...automatic].sort((x, y) => x.at - y.at).map((x) => x.message);
      return { caseId: contact.case_id ?? null, caseNumber: contact.case_number == null ? null : Number(contact.case_number), messages };
    });
  };
}

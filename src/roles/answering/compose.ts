import { randomBytes } from 'node:crypto';
import { sanitizeEmailHtml } from '../../adapters/html/sanitize.js';
import { parseEmail } from '../../adapters/mime/parse.js';
import { composeAnswer, type AnswerAttachment } from '../../adapters/smtp-out/compose-answer.js';
import { ourMessageId } from '../../core/analysis/index.js';
import {
  agentHtmlToText, answerHtml, answerText, answerThreadHeaders, fillVariables, escapeHtml, finalAnswerSubject, type AnswerMode, type QuotedMessage,
} from '../../core/answer/index.js';
import type { EmailAddress } from '../../core/email/types.js';
import type { Storage } from '../../storage/db.js';
import { getInboundRaw } from '../../storage/repositories/inbound.js';
import { uploadsWithContent, type DraftContent } from '../../storage/repositories/answers.js';
import { variableValues, type AnswerContext } from './context.js';

/**
 * Builds the message of an answer from current data: variables filled (signature too), the
 * case tag in the subject, In-Reply-To/References from the case, the quoted thread or the
 * forwarded original (its attachments and inline images included), uploaded attachments.
 */
export type AnswerInput = Omit<DraftContent, 'templateId'>;

export interface ComposedAnswer {
  raw: Buffer;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  attachments: Array<{ filename: string; contentType: string; size: number; contentId: string | null }>;
  /** Variables without a value (their tokens were kept unless dropMissing). */
  missing: string[];
}

const addresses = (json: string) => (JSON.parse(json) as EmailAddress[]).map((a) => a.address);
const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase() || 'switchyard.invalid';

/** The earlier mails of the case, newest first: the customer's (as text) and our sent answers. */
async function threadOf(storage: Storage, ctx: AnswerContext): Promise<QuotedMessage[]> {
  const c = ctx.contact;
  const db = storage.db;
  const contacts = c.case_id
    ? await db.selectFrom('contacts').select(['from_address', 'from_name', 'to_addresses', 'sent_date', 'created_at', 'subject', 'text_body']).where('case_id', '=', c.case_id).execute()
    : [c];
  const answers = c.case_id
    ? await db.selectFrom('answers').select(['from_address', 'to_addresses', 'sent_at', 'created_at', 'subject', 'text']).where('case_id', '=', c.case_id).where('state', 'in', ['sent', 'queued', 'scheduled', 'retrying']).execute()
    : [];
  const all: Array<QuotedMessage & { at: number }> = [
    ...contacts.map((m) => ({ from: m.from_name ? `${m.from_name} <${m.from_address ?? ''}>` : m.from_address ?? 'unknown sender', to: addresses(m.to_addresses), date: m.sent_date ?? m.created_at, subject: m.subject, text: m.text_body, html: null, at: Number(m.created_at) })),
    ...answers.map((a) => ({ from: a.from_address, to: JSON.parse(a.to_addresses) as string[], date: a.sent_at ?? a.created_at, subject: a.subject, text: a.text, html: null, at: Number(a.sent_at ?? a.created_at) })),
  ];
  return all.sort((a, b) => b.at - a.at).slice(0, 10);
}

/** The original of a forward: its sanitized HTML with cid: kept, and every attachment (inline ones with their Content-ID). */
async function forwardedOriginal(storage: Storage, ctx: AnswerContext): Promise<{ quoted: QuotedMessage; attachments: AnswerAttachment[] }> {
  const c = ctx.contact;
  const quoted: QuotedMessage = { from: c.from_name ? `${c.from_name} <${c.from_address ?? ''}>` : c.from_address ?? 'unknown sender', to: addresses(c.to_addresses), date: c.sent_date, subject: c.subject, text: c.text_body, html: null };
  const raw = c.inbound_message_id === null ? null : await getInboundRaw(storage.db, c.inbound_message_id);
  const parsed = raw ? await parseEmail(raw) : null;
  const attachments: AnswerAttachment[] = [];
  const placeholders = new Map<string, string>();
  if (parsed?.ok) {
    parsed.parsed.attachments.forEach((a, i) => {
      const cid = a.cid ?? (a.contentId ? a.contentId.replace(/^<|>$/g, '') : null);
      if (cid) placeholders.set(cid, `sy-cid-${i}`);
      attachments.push({ filename: a.filename ?? `attachment-${i + 1}`, contentType: a.contentType || 'application/octet-stream', content: a.content, cid, inline: a.contentDisposition === 'inline' || (!!cid && a.related === true) });
    });
  }
  if (c.html_body) {
    // The sanitizer only lets relative image URLs through: map each cid to a placeholder, then back to cid:.
    const clean = sanitizeEmailHtml(c.html_body, { cidUrls: placeholders }).html;
    const back = new Map([...placeholders].map(([cid, ph]) => [ph, cid]));
    quoted.html = clean.replace(/src="(sy-cid-\d+)"/g, (whole, ph: string) => (back.has(ph) ? `src="cid:${escapeHtml(back.get(ph)!)}"` : whole));
  }
  return { quoted, attachments };
}

export async function composeAnswerFor(storage: Storage, ctx: AnswerContext, input: AnswerInput, opts: { entranceId: string | null; dropMissing: boolean; now: number }): Promise<ComposedAnswer> {
  const values = variableValues(ctx, opts.entranceId);
  const subject = fillVariables(input.subject, values, { singleLine: true, dropMissing: opts.dropMissing });
  const body = fillVariables(input.html, values, { escape: escapeHtml, dropMissing: opts.dropMissing });
  // The signature of the entrance the From address belongs to (none when it has none).
  const signatureText = opts.entranceId ? ctx.entrances.get(opts.entranceId)?.signature ?? null : ctx.entrance.signature;
  const signature = signatureText ? fillVariables(signatureText, values, { dropMissing: opts.dropMissing }) : null;
  const missing = [...new Set([...subject.missing, ...body.missing, ...(signature?.missing ?? [])])];

  const forward = input.mode === 'forward' ? await forwardedOriginal(storage, ctx) : null;
  const thread = input.mode !== 'forward' && input.quote === 'thread' ? await threadOf(storage, ctx) : [];
  const html = answerHtml({ mode: input.mode, agentHtml: body.text, signature: signature?.text ?? null, quote: input.quote, thread, forwarded: forward?.quoted ?? null });
  const text = answerText({ mode: input.mode, agentText: agentHtmlToText(body.text), signature: signature?.text ?? null, quote: input.quote, thread, forwarded: forward?.quoted ?? null });

  const c = ctx.contact;
  const caseIds = c.case_id
    ? (await storage.db.selectFrom('case_messages').select(['message_id', 'direction']).where('case_id', '=', c.case_id).orderBy('created_at').execute()).map((r) => r.message_id)
    : [];
  const thr = answerThreadHeaders({ answered: c.message_id, answeredReferences: JSON.parse(c.references_ids) as string[], caseMessageIds: caseIds });
  const messageId = ourMessageId(c.case_id ?? c.id, domainOf(input.from), randomBytes(6).toString('hex'));
  const uploads = await uploadsWithContent(storage.db, input.attachmentIds);
  const attachments: AnswerAttachment[] = [
    ...uploads.map((u) => ({ filename: u.filename, contentType: u.content_type, content: Buffer.from(u.content) })),
    ...(forward?.attachments ?? []),
  ];
  const finalSubject = finalAnswerSubject(subject.text, ctx.caseNumber, ctx.tag);
  const raw = await composeAnswer({
    from: input.from, to: input.to, cc: input.cc, bcc: input.bcc, subject: finalSubject, html, text, messageId, date: new Date(opts.now),
    inReplyTo: input.mode === 'forward' ? null : thr.inReplyTo, references: thr.references, attachments,
  });
  return {
    raw, subject: finalSubject, html, text, messageId, missing,
    attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.content.length, contentId: a.cid ?? null })),
  };
}

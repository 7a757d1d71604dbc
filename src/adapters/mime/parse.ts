import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { EmailAddress, ParsedEmail } from '../../core/email/types.js';

/** Wraps mailparser: raw RFC 5322 bytes in, plain ParsedEmail data out. */
export type ParseResult =
  | { ok: true; email: ParsedEmail; parsed: ParsedMail }
  | { ok: false; code: 'mime.unparseable'; reason: string };

function addresses(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: EmailAddress[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) walk(entry.group);
      else if (entry.address) out.push({ address: entry.address.toLowerCase(), name: entry.name ?? '' });
    }
  };
  for (const obj of list) walk(obj.value);
  return out;
}

function headerMap(parsed: ParsedMail): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of parsed.headerLines ?? []) {
    const key = line.key.toLowerCase();
    const colon = line.line.indexOf(':');
    const value = (colon >= 0 ? line.line.slice(colon + 1) : line.line).replace(/\r?\n[ \t]+/g, ' ').trim();
    (out[key] ??= []).push(value);
  }
  return out;
}

function messageIdList(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const raw = Array.isArray(value) ? value.join(' ') : value;
  return raw.match(/<[^<>\s]+>/g) ?? (raw.trim() ? raw.trim().split(/\s+/) : []);
}

export function toParsedEmail(parsed: ParsedMail, size: number): ParsedEmail {
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.getTime() : null;
  const contentType = parsed.headers.get('content-type');
  const ctValue = typeof contentType === 'object' && contentType && 'value' in contentType
    ? String((contentType as { value: string; params?: Record<string, string> }).value)
    : typeof contentType === 'string' ? contentType : 'text/plain';
  const ctParams = typeof contentType === 'object' && contentType && 'params' in contentType
    ? ((contentType as { params?: Record<string, string> }).params ?? {}) : {};
  const reportType = ctParams['report-type'] ? `; report-type=${ctParams['report-type']}` : '';
  const from = addresses(parsed.from)[0] ?? null;
  return {
    messageId: parsed.messageId?.trim() || null,
    from,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo),
    subject: parsed.subject ?? '',
    date,
    inReplyTo: messageIdList(parsed.inReplyTo)[0] ?? null,
    references: messageIdList(parsed.references),
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : null,
    attachments: parsed.attachments.map((a, index) => ({
      index,
      filename: a.filename ?? `attachment-${index + 1}`,
      contentType: (typeof a.contentType === 'string' && a.contentType) || 'application/octet-stream',
      size: a.size ?? a.content?.length ?? 0,
      contentId: a.contentId ?? null,
      inline: a.contentDisposition === 'inline',
    })),
    headers: headerMap(parsed),
    contentType: `${ctValue.toLowerCase()}${reportType.toLowerCase()}`,
    size,
  };
}

/** Never throws: malformed input is a result, not an exception. */
/** Some mail (old Mac clients) ends lines with a bare CR; mailparser then sees one long header. */
export function normaliseLineEndings(raw: Buffer): Buffer {
  const head = raw.subarray(0, Math.min(raw.length, 8192));
  if (head.includes(0x0a) || !head.includes(0x0d)) return raw;
  return Buffer.from(raw.toString('latin1').replace(/\r(?!\n)/g, '\r\n'), 'latin1');
}

/**
 * mailparser never settles on some malformed input (an inline message/rfc822 part without content,
 * found by the mail fuzzer; upstream knows the class as "MailParser blocks forever"): without a
 * limit one such mail would stall the email server for ever. Parsing an in-memory buffer never
 * waits for I/O, so a parse that leaves this thread's event loop idle for a whole window is stuck,
 * and is given up after one window (a quarantine reason, at once). A parse that keeps the thread
 * busy, however slowly (a huge message on a starved CPU), goes on up to the hard deadline.
 */
export const PARSE_DEADLINE_MS = 30_000;
export const PARSE_STALL_WINDOW_MS = 250;
/** Below this share of busy time in a window, the thread did nothing but wait. */
const IDLE_UTILIZATION = 0.02;

/**
 * mailparser's options: no textAsHtml (Switchyard renders HTML itself and never reads it; building it
 * ran linkify over every text body, a few percent of the worker's time), no links in the text
 * derived from HTML, no inline images turned into data links.
 */
const PARSER_OPTIONS = { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: 10 * 1024 * 1024 } as const;

export async function parseEmail(input: Buffer, opts: { deadlineMs?: number; stallWindowMs?: number } = {}): Promise<ParseResult> {
  const deadlineMs = opts.deadlineMs ?? PARSE_DEADLINE_MS;
  const windowMs = opts.stallWindowMs ?? PARSE_STALL_WINDOW_MS;
  const raw = normaliseLineEndings(input);
  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();
  const stuck = new Promise<never>((_resolve, reject) => {
    let last = performance.eventLoopUtilization();
    const check = () => {
      const now = performance.eventLoopUtilization();
      const window = performance.eventLoopUtilization(now, last);
      last = now;
      if (window.utilization < IDLE_UTILIZATION) {
        reject(new Error(`the MIME parser stopped making progress after ${Date.now() - started} ms (malformed structure)`));
      } else if (Date.now() - started >= deadlineMs) {
        reject(new Error(`the MIME parser did not finish within ${deadlineMs / 1000} s (malformed structure)`));
      } else {
        timer = setTimeout(check, windowMs);
        timer.unref();
      }
    };
    timer = setTimeout(check, Math.min(windowMs, deadlineMs));
    timer.unref();
  });
  try {
    const parsed = await Promise.race([simpleParser(raw, PARSER_OPTIONS), stuck]);
    return { ok: true, email: toParsedEmail(parsed, input.length), parsed };
  } catch (err) {
    return { ok: false, code: 'mime.unparseable', reason: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** The content of one attachment, for downloads. */
export async function extractAttachment(raw: Buffer, index: number): Promise<{ filename: string; contentType: string; content: Buffer } | null> {
  const result = await parseEmail(raw);
  if (!result.ok) return null;
  const a = result.parsed.attachments[index];
  if (!a) return null;
  return { filename: a.filename ?? `attachment-${index + 1}`, contentType: (typeof a.contentType === 'string' && a.contentType) || 'application/octet-stream', content: a.content };
}

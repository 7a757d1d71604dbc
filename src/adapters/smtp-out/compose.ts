import MailComposer from 'nodemailer/lib/mail-composer';
import { hasLongerLines, isPlainText } from 'nodemailer/lib/mime-funcs';
import * as base64 from 'nodemailer/lib/base64';
import * as qp from 'nodemailer/lib/qp';
import { answerHeaderBlock } from './answer-headers.js';

/** Wraps nodemailer's MIME composer: a plain-text message with our headers, as raw bytes for the outbox. */
export interface ComposeInput {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  date: Date;
  inReplyTo: string | null;
  references: string[];
  /** Further headers in order (Auto-Submitted, our loop marker, …). */
  headers: Array<{ name: string; value: string }>;
}

const STANDARD = new Set(['message-id', 'in-reply-to', 'references']);

/** The further headers as MailComposer gets them: without the three it sets from their own fields, CR/LF runs made one space. */
function customHeaders(input: ComposeInput): Array<{ name: string; value: string }> {
  return input.headers.filter((h) => !STANDARD.has(h.name.toLowerCase())).map((h) => ({ name: h.name, value: h.value.replace(/[\r\n]+/g, ' ') }));
}

function composer(input: ComposeInput): MailComposer {
  return new MailComposer({
    from: input.from, to: input.to, subject: input.subject, text: input.text, date: input.date,
    messageId: input.messageId,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    ...(input.references.length ? { references: input.references } : {}),
    headers: customHeaders(input).map((h) => ({ key: h.name, value: h.value })),
    disableFileAccess: true, disableUrlAccess: true,
  });
}

/** Every LF not preceded by CR becomes CRLF (nodemailer's LeWindows), and the message ends with a line break (its LastNewline). */
function crlf(text: string): string {
  const out = text.replace(/(?<!\r)\n/g, '\r\n');
  return out.endsWith('\n') ? out : out.endsWith('\r') ? `${out}\n` : `${out}\r\n`;
}

/** A text part's body in its transfer encoding, with nodemailer's own encoders (76-character lines); null for an encoding not handled here. */
function encodeBody(content: string, encoding: string | false): string | null {
  if (encoding === 'quoted-printable') return qp.wrap(qp.encode(content), 76);
  if (encoding === 'base64') return base64.wrap(base64.encode(content), 76);
  if (encoding === '7bit' || encoding === false) return content;
  return null;
}

/**
 * Header block, blank line and body as the outbox stores them: CRLF line ends, UTF-8 (an encoded
 * body is ASCII; a raw non-ASCII character left in a header — an SMTPUTF8 address — is UTF-8, as
 * in nodemailer's own build; writing the whole message as latin1 made it a single invalid byte).
 */
function message(headers: string, body: string): Buffer {
  return Buffer.from(crlf(`${headers}\r\n\r\n${body}`), 'utf8');
}

/**
 * MimeNode#_getTextEncoding for a node without a textEncoding option (private in nodemailer):
 * quoted-printable when Latin letters outnumber the non-ASCII and control characters, else base64.
 */
function textEncodingOf(value: string): 'Q' | 'B' {
  let nonLatin = 0;
  let latin = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x08 || c === 0x0b || c === 0x0c || (c >= 0x0e && c <= 0x1f) || c >= 0x80) nonLatin++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
  }
  return nonLatin < latin ? 'Q' : 'B';
}

/**
 * The text part as MailComposer makes it: an empty text gives a bare text/plain part without a
 * transfer encoding; otherwise 7bit for printable ASCII with lines of at most 76 characters,
 * else quoted-printable or base64 by MimeNode's choice (getTransferEncoding).
 */
function textPart(text: string): { contentType: string; transferEncoding: string | false } {
  if (!text) return { contentType: 'text/plain', transferEncoding: false };
  const sevenBit = isPlainText(text) && !hasLongerLines(text, 76);
  return { contentType: 'text/plain; charset=utf-8', transferEncoding: sevenBit ? '7bit' : textEncodingOf(text) === 'Q' ? 'quoted-printable' : 'base64' };
}

/**
 * The message written directly: the header block by answerHeaderBlock (fixed order, nodemailer's
 * own encoders), the body by nodemailer's qp/base64 encoders. ~10× cheaper than laying the message
 * out with MailComposer first (see bench/compose-micro.ts). Null when the headers need MailComposer.
 */
export function composeLean(input: ComposeInput): Buffer | null {
  const part = textPart(input.text);
  const headers = answerHeaderBlock({
    from: input.from, to: input.to, subject: input.subject, messageId: input.messageId, date: input.date,
    inReplyTo: input.inReplyTo, references: input.references, custom: customHeaders(input),
  }, part);
  if (headers === null) return null;
  return message(headers, encodeBody(input.text, part.transferEncoding)!);
}

/**
 * The message as nodemailer builds it, without its streams: MailComposer lays out the MIME tree
 * and the headers (synchronously), and a single text part's body is encoded with nodemailer's own
 * encoders (7bit as is, quoted-printable, base64, 76-character lines). nodemailer's `build()` pipes
 * the same through five stream stages per message. Anything but one text part: null.
 */
export function composeViaComposer(input: ComposeInput): Buffer | null {
  const root = composer(input).compile();
  const content: unknown = (root as unknown as { content?: unknown }).content;
  if (root.childNodes.length > 0 || typeof content !== 'string') return null;
  const headers = root.buildHeaders();
  const encoding = root.getTransferEncoding();
  const body = encodeBody(content, encoding);
  return body === null ? null : message(headers, body);
}

/**
 * The message without nodemailer's streams: written directly (composeLean) or, for headers it does
 * not write, laid out by MailComposer (composeViaComposer). The unit test holds both byte for byte
 * equal to nodemailer's streamed build. Null when only the streamed build can make it.
 */
export function composeSync(input: ComposeInput): Buffer | null {
  return composeLean(input) ?? composeViaComposer(input);
}

/** nodemailer's own streamed build (the reference the fast paths are tested against, and the fallback). */
export function composeStreamed(input: ComposeInput): Promise<Buffer> {
  const mail = composer(input).compile();
  (mail as unknown as { newline?: string }).newline = '\r\n';
  return mail.build();
}

export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  return composeSync(input) ?? composeStreamed(input);
}

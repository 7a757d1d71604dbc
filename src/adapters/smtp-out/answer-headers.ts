import MimeNode from 'nodemailer/lib/mime-node';
import { foldLines } from 'nodemailer/lib/mime-funcs';

/**
 * The header block of a one-part text/plain message, written directly in the order in which
 * nodemailer's MailComposer + MimeNode.buildHeaders lay it out for the message compose.ts builds:
 *
 *   custom headers (in the caller's order), From, To, In-Reply-To, References, Subject,
 *   Message-ID, Date, Content-Transfer-Encoding, MIME-Version, Content-Type
 *
 * Each value goes through the same encoding nodemailer applies (`MimeNode#encodeHeaderValue`,
 * its public per-header encoder, on one long-lived node) unless it is one of the plain shapes
 * that encoder returns unchanged, which are checked here and passed as they are: that skips
 * addressparser, domain normalisation and encoded-word scanning for the usual automatic answer.
 * Each line is folded with nodemailer's foldLines at 76, as buildHeaders does.
 *
 * Returns null for what this writer does not lay out exactly as MailComposer would (a missing
 * Message-ID, which MailComposer makes up from random bytes; a custom header that MailComposer
 * or buildHeaders treat specially); the caller then takes MailComposer. The unit test holds
 * the result byte for byte equal to nodemailer's own build.
 */
export interface HeaderFields {
  from: string;
  to: string;
  subject: string;
  messageId: string;
  date: Date;
  inReplyTo: string | null;
  references: string[];
  /** Custom headers, already without Message-ID/In-Reply-To/References and with CR/LF runs made one space. */
  custom: Array<{ name: string; value: string }>;
}

/** Only encodeHeaderValue is used; it reads no state of the node but its (default) text encoding. */
const encoder = new MimeNode(false);

/**
 * Header keys that MailComposer sets itself, that buildHeaders adds, moves or drops, or whose value
 * encodeHeaderValue treats as structured: a custom header with one of these names is not just
 * "appended in place and encoded as text", so such a message takes MailComposer.
 */
const SPECIAL_KEYS = new Set([
  'From', 'Sender', 'To', 'Cc', 'Bcc', 'Reply-To', 'In-Reply-To', 'References', 'Subject', 'Message-ID', 'Date',
  'Content-Type', 'Content-Transfer-Encoding', 'Content-Disposition', 'Content-ID', 'MIME-Version', 'OTP-Token',
]);

/** nodemailer's MimeNode#_normalizeHeaderKey (private there), verbatim: Camel-Case, MIME/DKIM/… upper case, no whitespace, controls or colons. */
function normalizeKey(key: string): string {
  return (key || '')
    .toString()
    .replace(/[\s\x00-\x20\x7f:]/g, '') // eslint-disable-line no-control-regex
    .toLowerCase()
    .replace(/^X-SMTPAPI$|^(MIME|DKIM|ARC|BIMI)\b|^OTP(?=-Token$)|^[a-z]|-(SPF|FBL|ID|MD5)$|-[a-z]/gi, (c) => c.toUpperCase())
    .replace(/^Content-Features$/i, 'Content-features');
}

/** Bounded memo for values that come from a handful of sources (header names in code, one From per account). */
function memo<V>(limit: number, compute: (key: string) => V): (key: string) => V {
  const cache = new Map<string, V>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      if (cache.size >= limit) cache.clear();
      v = compute(key);
      cache.set(key, v);
    }
    return v;
  };
}

/** The normalised key of a custom header, or '' when MailComposer would treat that header specially (or it has no name). */
const customKey = memo(256, (name) => { const key = normalizeKey(name); return SPECIAL_KEYS.has(key) ? '' : key; });
/** An address header's encoded value: addressparser, punycode and encoded words, as nodemailer does them. */
const encodedAddresses = memo(256, (value) => encoder.encodeHeaderValue('From', value));

/**
 * Unstructured text that encodeHeaderValue returns as it is: printable ASCII and tabs, no double
 * quote (encodeWords encodes those) and no "=?" (which may be an encoded word to check).
 */
const PLAIN_TEXT = /^[\t\x20\x21\x23-\x7e]*$/;
const plainText = (v: string): boolean => PLAIN_TEXT.test(v) && !v.includes('=?');
/** A msg-id in angle brackets without controls, which encodeHeaderValue returns as it is; for References also without white space (it splits there). */
const PLAIN_ID = /^<[^\x00-\x1f\x7f]*>$/; // eslint-disable-line no-control-regex
const PLAIN_REF = /^<[^\s\x00-\x1f\x7f]*>$/; // eslint-disable-line no-control-regex
/**
 * A bare address that addressparser and nodemailer's address normalisation return unchanged: a
 * dot-atom local part of common characters and a lower-case ASCII host name whose last label
 * starts with a letter (the URL host parser reads a numeric one as IPv4) and without "--" (no
 * punycode label), within the DNS lengths.
 */
const PLAIN_ADDRESS = /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const plainAddress = (v: string): boolean => v.length <= 254 && PLAIN_ADDRESS.test(v) && !v.includes('--');

const text = (key: string, v: string): string => (plainText(v) ? v : encoder.encodeHeaderValue(key, v));
const addresses = (v: string): string => (plainAddress(v) ? v : encodedAddresses(v));
const msgId = (key: string, v: string): string => (PLAIN_ID.test(v) ? v : encoder.encodeHeaderValue(key, v));
const refs = (ids: string[]): string => (ids.every((id) => PLAIN_REF.test(id)) ? ids.join(' ') : encoder.encodeHeaderValue('References', ids));

/** The header block (lines joined by CRLF, no blank line after it), or null when MailComposer has to lay it out. */
export function answerHeaderBlock(f: HeaderFields, body: { contentType: string; transferEncoding: string | false }): string | null {
  if (!f.messageId) return null;
  const lines: string[] = [];
  // buildHeaders drops a field whose encoded value is blank, and folds the rest at 76
  const put = (key: string, value: string) => { if (value.trim()) lines.push(foldLines(`${key}: ${value}`, 76)); };
  for (const h of f.custom) {
    const key = customKey(h.name);
    if (!key) return null;
    put(key, text(key, h.value));
  }
  // MailComposer sets these only for truthy values
  if (f.from) put('From', addresses(f.from));
  if (f.to) put('To', addresses(f.to));
  if (f.inReplyTo) put('In-Reply-To', msgId('In-Reply-To', f.inReplyTo));
  if (f.references.length) put('References', refs(f.references));
  if (f.subject) put('Subject', text('Subject', f.subject));
  put('Message-ID', msgId('Message-ID', f.messageId));
  put('Date', f.date.toUTCString().replace(/GMT/, '+0000'));
  if (body.transferEncoding) put('Content-Transfer-Encoding', body.transferEncoding);
  put('MIME-Version', '1.0');
  put('Content-Type', body.contentType);
  return lines.join('\r\n');
}

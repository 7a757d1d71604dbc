import { createHash } from 'node:crypto';
import type { ParsedEmail } from './types.js';

/** Headers that relays and delivery agents add; they differ between copies of one mail. */
const TRACE = /^(received|return-path|delivered-to|x-original-to|x-received|arc-[a-z-]+|authentication-results|x-spam-[a-z-]+|dkim-signature|x-virus-[a-z-]+|resent-[a-z-]+|x-switchyard-[a-z-]+)$/i;

/**
 * The key a contact is de-duplicated on, per entrance: the Message-ID when there is
 * one, otherwise a hash of the raw message without its trace headers, so the same
 * mail fetched twice (or relayed with other Received lines) collapses to one contact
 * while different mails never do.
 */
export function dedupeKey(email: ParsedEmail, raw: Buffer): string {
  const id = email.messageId?.trim().replace(/^<|>$/g, '').toLowerCase();
  if (id) return `mid:${id}`;
  return `derived:${createHash('sha256').update(withoutTraceHeaders(raw)).digest('hex')}`;
}

export function withoutTraceHeaders(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  const headEnd = m ? m.index : text.length;
  const lines = text.slice(0, headEnd).split(/\r?\n/);
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) { if (!skipping) kept.push(line); continue; }
    const name = line.slice(0, Math.max(0, line.indexOf(':')));
    skipping = TRACE.test(name);
    if (!skipping) kept.push(line);
  }
  return Buffer.concat([Buffer.from(kept.join('\n'), 'latin1'), raw.subarray(headEnd)]);
}

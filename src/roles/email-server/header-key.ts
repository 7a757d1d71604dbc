/**
 * Dedupe by header, before parsing: the de-duplication key (core/email/dedupe.ts, `mid:<id>`) read
 * from the raw header block alone. Only a plain, single Message-ID gives a key here; anything
 * unusual (several Message-ID lines, encoded words, comments) gives null and the message is
 * parsed, so this early check can miss a duplicate but never invent one.
 */
const MAX_HEAD = 64 * 1024;

export function headerKey(raw: Buffer): string | null {
  const text = raw.subarray(0, Math.min(raw.length, MAX_HEAD)).toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  const head = (end ? text.slice(0, end.index) : text).replace(/\r?\n[ \t]+/g, ' ');
  const lines = head.split(/\r?\n/).filter((l) => /^message-id\s*:/i.test(l));
  if (lines.length !== 1) return null;
  const value = lines[0].slice(lines[0].indexOf(':') + 1).trim();
  // Printable ASCII only: a NUL (PostgreSQL text refuses it) or 8-bit bytes leave the key to the parser.
  const m = /^<([^<>\s()"=?\x00-\x20\x7f-\xff]+@[^<>\s()"=?\x00-\x20\x7f-\xff]+)>$/.exec(value);
  return m ? `mid:${m[1].toLowerCase()}` : null;
}

import { compile } from 'html-to-text';

/**
 * Text helpers shared by the analysis modules: which text of an email is
 * searched, and how it is split into words. Pure functions.
 */

/** The parts of a message that analysis searches. */
export interface SearchableEmail {
  subject: string;
  /** The text/plain alternative ('' when the message has none). */
  text: string;
  /** The text/html alternative, or null. Only used when there is no text. */
  html: string | null;
}

/** Longest HTML converted to text; longer input is cut (it is only searched). */
export const MAX_HTML_CHARS = 2_000_000;

const htmlConverter = compile({
  wordwrap: false,
  limits: { maxInputLength: MAX_HTML_CHARS },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'script', format: 'skip' },
  ],
});

/** HTML → plain text (hostile input is fine: the result is only searched). */
export function htmlToPlainText(html: string): string {
  try {
    return htmlConverter(html);
  } catch {
    // html-to-text should not throw, but a parser bug must not stop analysis.
    return html.replace(/<[^>]*>/g, ' ');
  }
}

/**
 * The body that is searched: the text alternative, or the HTML converted to
 * text only when there is no text part. Only ONE alternative of a
 * multipart/alternative message is searched, so a keyword present in both
 * parts is not counted twice.
 */
export function bodyText(email: Pick<SearchableEmail, 'text' | 'html'>): { body: string; source: 'text' | 'html' | 'none' } {
  if (email.text && email.text.trim() !== '') return { body: email.text, source: 'text' };
  if (email.html && email.html.trim() !== '') return { body: htmlToPlainText(email.html), source: 'html' };
  return { body: '', source: 'none' };
}

/** Subject + body, separated by a blank line. */
export function searchText(email: SearchableEmail): string {
  const { body } = bodyText(email);
  return email.subject ? `${email.subject}\n\n${body}` : body;
}

/** A word of the text: letters, combining marks and digits (Unicode-aware). */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Lower-case, NFC-normalised form used for all keyword comparisons. */
export function normaliseWord(word: string): string {
  return word.normalize('NFC').toLowerCase();
}

/**
 * Splits text into normalised words (Unicode-aware: å, ä, ö, ß, é, ...). The whole text is
 * lower-cased at once and split with one match (no match object per word): the same words as
 * lower-casing each word, except around a capital sigma, whose lower case depends on the letters
 * beside it (and beyond the word, across case-ignorable punctuation), so such text is lower-cased
 * word by word.
 */
export function words(text: string): string[] {
  const nfc = text.normalize('NFC');
  if (!nfc.includes('\u03a3')) return nfc.toLowerCase().match(WORD) ?? [];
  return (nfc.match(WORD) ?? []).map((w) => w.toLowerCase());
}

/** All values of a header (empty array when absent); names are case-insensitive. */
export function headerValues(headers: Record<string, string[]> | null | undefined, name: string): string[] {
  const v = headers?.[name.toLowerCase()];
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(str);
}

/** The first value of a header, trimmed, or null. */
export function firstHeader(headers: Record<string, string[]> | null | undefined, name: string): string | null {
  const v = headerValues(headers, name);
  return v.length > 0 ? v[0].trim() : null;
}

/** Any value as a string ('' for null/undefined): parsers sometimes hand over objects. */
export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object' && 'value' in (value as Record<string, unknown>)) return str((value as Record<string, unknown>).value);
  return String(value);
}

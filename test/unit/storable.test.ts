import { describe, expect, it } from 'vitest';
import { parseAndAnalyse, storable } from '../../src/roles/email-server/parse-analyse.js';
import type { ParsedEmail } from '../../src/core/email/types.js';

const email = (over: Partial<ParsedEmail> = {}): ParsedEmail => ({
  messageId: '<a@example.org>', from: { address: 'a@example.org', name: 'A' }, to: [], cc: [], replyTo: [], subject: 'Hello', date: 1,
  inReplyTo: null, references: [], text: 'body', html: null, attachments: [], headers: { subject: ['Hello'] }, contentType: 'text/plain', size: 10, ...over,
});

describe('storable: PostgreSQL text cannot hold NUL, so parsed mail loses its NUL characters', () => {
  it('returns the same object, uncopied, when there is no NUL anywhere', () => {
    const e = email();
    expect(storable(e)).toBe(e);
  });
  it.each([
    { where: 'the text', over: { text: 'a\u0000b' }, read: (e: ParsedEmail) => e.text, want: 'ab' },
    { where: 'an attachment name', over: { attachments: [{ index: 0, filename: 'x\u0000.pdf', contentType: 'application/pdf', size: 1, contentId: null, inline: false }] }, read: (e: ParsedEmail) => e.attachments[0].filename, want: 'x.pdf' },
    { where: 'a header value', over: { headers: { 'x-odd': ['v\u0000w'] } }, read: (e: ParsedEmail) => e.headers['x-odd'][0], want: 'vw' },
    { where: 'a recipient name', over: { to: [{ address: 'b@example.org', name: 'B\u0000' }] }, read: (e: ParsedEmail) => e.to[0].name, want: 'B' },
  ])('removes a NUL in $where', ({ over, read, want }) => {
    const out = storable(email(over as Partial<ParsedEmail>));
    expect(read(out)).toBe(want);
    expect(JSON.stringify(out)).not.toContain('\\u0000');
  });
  it('a mail whose decoded body holds NUL bytes is stored without them (through the parser)', async () => {
    const raw = Buffer.from('From: a@example.org\r\nTo: b@example.org\r\nSubject: nul\r\nMessage-ID: <n@example.org>\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbefore=00after\r\n');
    const out = await parseAndAnalyse({ raw, now: 0, config: { version: 1, categories: [], patterns: [], languageMinLength: 40 } });
    expect(out.ok).toBe(true);
    if (out.ok) expect(out.email.text).toContain('beforeafter');
  });
});

import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { composeMessage, composeStreamed, composeSync, type ComposeInput } from '../../src/adapters/smtp-out/compose.js';

/**
 * What the outbox held before the fast path: nodemailer's stream transport, buffered. Its option
 * `newline: 'crlf'` is not one nodemailer knows for CRLF ('windows', 'dos', '\r\n' are), so those
 * messages had bare LF line ends (the SMTP client made them CRLF on the wire). The fast path
 * stores CRLF, as RFC 5322 wants; otherwise the bytes are the same.
 */
const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });
async function reference(input: ComposeInput): Promise<Buffer> {
  const info = await transport.sendMail({
    from: input.from, to: input.to, subject: input.subject, text: input.text, date: input.date, messageId: input.messageId,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}), ...(input.references.length ? { references: input.references } : {}),
    headers: input.headers.filter((h) => !['message-id', 'in-reply-to', 'references'].includes(h.name.toLowerCase())).map((h) => ({ key: h.name, value: h.value })),
    disableFileAccess: true, disableUrlAccess: true,
  });
  return Buffer.from((info.message as Buffer).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

const base = (text: string, over: Partial<ComposeInput> = {}): ComposeInput => ({
  from: 'Support <support@example.test>', to: 'customer@example.org', subject: 'Re: Your order [#1042]', text,
  messageId: '<case-1.abc@example.test>', date: new Date(Date.UTC(2026, 10, 30, 12, 0, 0)), inReplyTo: '<q-1@example.org>',
  references: ['<q-0@example.org>', '<q-1@example.org>'],
  headers: [{ name: 'Auto-Submitted', value: 'auto-replied' }, { name: 'X-Switchyard-Loop', value: 'auto-answer' }, { name: 'Precedence', value: 'auto_reply' }], ...over,
});

const long = 'word '.repeat(60).trim();
const TEXTS: Array<[string, string]> = [
  ['short ASCII (7bit)', 'Hello,\n\nthank you for your message.\n\n-- \nSupport'],
  ['CRLF line ends', 'Hello,\r\nthanks.\r\n'],
  ['a line over 76 characters (quoted-printable)', `Dear customer,\n${long}\nBye`],
  ['Swedish letters (quoted-printable)', 'Hej!\n\nTack för ditt meddelande. Vi återkommer inom två arbetsdagar.\nMed vänliga hälsningar'],
  ['trailing white space on lines', 'line with space \nline with tab\t\nend  '],
  ['mostly non-Latin (base64)', 'Здравствуйте! Спасибо за ваше письмо. Мы ответим в течение двух рабочих дней.\n'.repeat(3)],
  ['Japanese (base64)', 'お問い合わせありがとうございます。担当者より二営業日以内にご連絡いたします。\n'],
  ['an equals sign and a dot line', 'a=b\n.\n..\nx=3D'],
  ['empty text', ''],
  ['no final line break', 'x'],
  ['quoted original (> lines) and a URL over 76 characters', `> ${long}\n> second\nhttps://example.org/${'a'.repeat(90)}\n`],
  ['a long text (over 64 KB)', `${'Thank you for your patience, we are on it. '.repeat(1700)}\nÅ`],
];

describe('composeMessage: the automatic answer is built without nodemailer streams, byte for byte as before', () => {
  it.each(TEXTS)('%s', async (_name, text) => {
    const input = base(text);
    const fast = composeSync(input);
    expect(fast).not.toBeNull();
    expect(fast!.toString('latin1')).toBe((await reference(input)).toString('latin1'));
    expect((await composeStreamed(input)).toString('latin1')).toBe(fast!.toString('latin1'));
  });
  it('headers with non-ASCII names and subjects (encoded words) match too', async () => {
    const input = base('Hej', { from: 'Kundtjänst Åre <kundtjanst@example.test>', to: 'Ödön <odon@example.org>', subject: 'Sv: Fråga om faktura — ärende 7', inReplyTo: null, references: [] });
    expect(composeSync(input)!.toString('latin1')).toBe((await reference(input)).toString('latin1'));
  });
  it('every line ends with CRLF and lines stay within 998 characters', async () => {
    const raw = (await composeMessage(base(`${'x'.repeat(3000)}\nend`))).toString('latin1');
    expect(raw).not.toMatch(/[^\r]\n/);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });
});

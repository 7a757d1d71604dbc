import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { composeLean, composeMessage, composeStreamed, composeSync, composeViaComposer, type ComposeInput } from '../../src/adapters/smtp-out/compose.js';
import { rngFor, type Rng } from '../support/mail-mutator.js';

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
  ['a line of exactly 76 characters (7bit)', `${'y'.repeat(76)}\nend`],
  ['a line of 77 characters (quoted-printable)', `${'y'.repeat(77)}\nend`],
  ['empty text', ''],
  ['no final line break', 'x'],
  ['quoted original (> lines) and a URL over 76 characters', `> ${long}\n> second\nhttps://example.org/${'a'.repeat(90)}\n`],
  ['a long text (over 64 KB)', `${'Thank you for your patience, we are on it. '.repeat(1700)}\nÅ`],
];

/** The header writer (composeLean) took the input, and its bytes are nodemailer's: the reference build and the MailComposer layout it replaces. */
async function expectLeanExact(input: ComposeInput): Promise<string> {
  const lean = composeLean(input);
  expect(lean, 'the header writer declined the input').not.toBeNull();
  const out = lean!.toString('latin1');
  expect(out).toBe((await reference(input)).toString('latin1'));
  expect(out).toBe(composeViaComposer(input)!.toString('latin1'));
  return out;
}
const headerBlock = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n'));

describe('composeMessage: the automatic answer is built without nodemailer streams, byte for byte as before', () => {
  it.each(TEXTS)('%s', async (_name, text) => {
    const input = base(text);
    const fast = composeSync(input);
    expect(fast).not.toBeNull();
    expect(fast!.toString('latin1')).toBe((await reference(input)).toString('latin1'));
    expect((await composeStreamed(input)).toString('latin1')).toBe(fast!.toString('latin1'));
    await expectLeanExact(input);
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

const HEADERS = base('').headers;
const ids = (n: number, tag = 'ref') => Array.from({ length: n }, (_, i) => `<${tag}-${i}.${'k'.repeat(i % 7)}@mail${i}.example.org>`);

/** Inputs the header writer lays out itself; each is checked against nodemailer byte for byte. */
const HEADER_CASES: Array<[string, Partial<ComposeInput>]> = [
  ['the usual answer (plain ASCII everywhere)', {}],
  ['non-ASCII display names (Q encoded words)', { from: 'Kundtjänst Åre <kundtjanst@example.test>', to: 'Ödön Åström <odon@example.org>' }],
  ['non-Latin display names (B encoded words) and a long one that splits', { from: 'Служба поддержки <support@example.test>', to: `${'山田太郎'.repeat(12)} <yamada@example.jp>` }],
  ['non-ASCII subject (Q)', { subject: 'Sv: Fråga om faktura — ärende 7' }],
  ['non-Latin subject (B)', { subject: 'Re: Здравствуйте, вопрос по счёту' }],
  ['a long ASCII subject that folds', { subject: `Re: ${'billing question about the invoice of last month '.repeat(4)}[#123]` }],
  ['a long subject without white space (no fold point)', { subject: `Re: ${'x'.repeat(150)}` }],
  ['a long non-ASCII subject (several encoded words, folded)', { subject: `Re: ${'Återbetalning för beställning nummer 4711 och 4712 '.repeat(3)}` }],
  ['an emoji subject (surrogate pairs in B words)', { subject: `Re: ${'😀🎉'.repeat(30)}` }],
  ['a subject with double quotes (encoded, as nodemailer does)', { subject: 'Re: your "urgent" request' }],
  ['a subject holding a valid encoded word', { subject: 'Re: =?utf-8?Q?caf=C3=A9?= order' }],
  ['a subject holding an invalid encoded-word look-alike', { subject: 'Re: =?bogus?= and a=?b' }],
  ['a subject with a tab, CR/LF, and control characters', { subject: 'Re:\tone\r\ntwo\nthree\rfour \u0001 five\u007f' }],
  ['an empty subject (no Subject header)', { subject: '' }],
  ['a white-space subject (dropped as blank)', { subject: '   ' }],
  ['a long References list (20 ids, folded)', { references: ids(20) }],
  ['a References list with one very long id', { references: [`<${'x'.repeat(120)}@example.org>`, '<q-1@example.org>'] }],
  ['References and In-Reply-To without angle brackets, with white space, empty', { inReplyTo: 'q-1@example.org', references: ['q-0@example.org', ' <a b@example.org> ', '', '<c@d> <e@f>'] }],
  ['no In-Reply-To nor References', { inReplyTo: null, references: [] }],
  ['In-Reply-To and References with CR/LF and controls', { inReplyTo: '<q-1@exam\r\nple.org>', references: ['<q\u0000-0@example.org>', '<q-2@ex\nample.org>'] }],
  ['Message-ID and In-Reply-To with a control character and a tab', { messageId: '<case-1\u0001.abc@example.test>', inReplyTo: '<q-1\t@example.org>' }],
  ['addresses without display name', { from: 'noreply@example.test', to: 'customer@example.org' }],
  ['bare addresses: upper case, IDN, numeric last label, "--", literal, no domain', { from: 'NoReply@Example.TEST', to: 'joe@exämple.org, a@b--c.example, x@host.123, y@[127.0.0.1], z@0x7f.1, root' }],
  ['a bare address with an upper-case host label', { to: 'joe@Mail.example.org' }],
  ['a bare address with an invalid punycode label', { to: 'joe@xn--zz.example.org' }],
  ['a bare address with punctuation in the local part', { to: "o'brien+tag@example.org" }],
  ['display names with a comma and quotes', { from: '"Support, Billing" <billing@example.test>', to: 'John "JJ" Doe <jj@example.org>' }],
  ['display names with a backslash, parentheses and an @', { from: '"a\\\\b" <a@example.test>', to: 'Joe (work) <joe@example.org>, "x@y" <xy@example.org>' }],
  ['a display name with a line break', { to: '"Ann\r\nSmith" <ann@example.org>' }],
  ['an address group and two recipients', { to: 'Team: a@example.org, b@example.org;, c@example.org' }],
  ['empty From and To (no such headers)', { from: '', to: '' }],
  ['custom header names normalised (lower case, -ID, MIME-, Content-features, X-SMTPAPI)', { headers: [{ name: 'auto-submitted', value: 'auto-replied' }, { name: 'list-id', value: '<l.example.org>' }, { name: 'mime-extra', value: 'x' }, { name: 'content-features', value: 'y' }, { name: 'x-smtpapi', value: '{}' }, { name: 'X Weird:Name', value: 'z' }] }],
  ['custom header values with CR/LF (one space each), non-ASCII, quotes, blank', { headers: [{ name: 'X-Note', value: 'one\r\ntwo\nthree\rfour' }, { name: 'X-Name', value: 'Åsa "the" Öberg' }, { name: 'X-Empty', value: '' }, { name: 'X-Blank', value: '  ' }, ...HEADERS] }],
  ['a long custom header value that folds', { headers: [{ name: 'X-Long', value: 'token '.repeat(40) }] }],
  ['Message-ID, In-Reply-To and References among the custom headers (MailComposer sets them from their fields)', { headers: [{ name: 'Message-ID', value: '<other@x>' }, { name: 'in-reply-to', value: '<y@x>' }, { name: 'REFERENCES', value: '<z@x>' }, ...HEADERS] }],
  ['an invalid Date', { date: new Date(NaN) }],
];

describe('composeLean: the header block written directly, byte for byte as nodemailer lays it out', () => {
  it.each(HEADER_CASES)('%s', async (_name, over) => {
    await expectLeanExact(base('Hello,\nthank you.', over));
    await expectLeanExact(base('Tack för ditt meddelande, vi återkommer.', over)); // quoted-printable body
    await expectLeanExact(base('', over)); // no text: a bare text/plain part
  });

  it('the header order is the one MailComposer emits for a single text part', async () => {
    const raw = await expectLeanExact(base('Tack!'));
    expect(headerBlock(raw).split('\r\n').map((l) => l.slice(0, l.indexOf(':'))).filter((k) => !k.startsWith(' '))).toEqual([
      'Auto-Submitted', 'X-Switchyard-Loop', 'Precedence', 'From', 'To', 'In-Reply-To', 'References', 'Subject', 'Message-ID', 'Date',
      'Content-Transfer-Encoding', 'MIME-Version', 'Content-Type',
    ]);
    expect(raw).not.toMatch(/boundary/i); // one part: no boundary, so MailComposer's random one never shows
  });

  it('runs of CR/LF in a custom header value become one space, as the MailComposer path made them', () => {
    const input = base('x', { headers: [...HEADERS, { name: 'X-Note', value: 'a\r\n\r\nb\n\nc' }] });
    const raw = composeLean(input)!.toString('latin1');
    expect(raw).toContain('\r\nX-Note: a b c\r\n');
    expect(raw).toBe(composeViaComposer(input)!.toString('latin1'));
  });

  it('a non-ASCII local part (SMTPUTF8) is written as UTF-8, as nodemailer\'s own build writes it, beside any body encoding', async () => {
    // The sync paths once wrote a message with an encoded body as latin1, headers included: 'ö' became the single byte 0xF6.
    for (const text of ['Hello', 'Tack för ditt meddelande', 'Здравствуйте! Спасибо за ваше письмо.']) {
      const input = base(text, { to: 'jörg@example.org' });
      await expectLeanExact(input);
      expect(composeLean(input)!.includes(Buffer.from('To: jörg@example.org\r\n', 'utf8'))).toBe(true);
    }
  });

  // What the writer does not lay out itself goes to MailComposer: these must decline, or their bytes would differ
  it.each([
    ['a custom Subject header', [{ name: 'Subject', value: 'other' }]],
    ['a custom Date header', [{ name: 'date', value: 'yesterday' }]],
    ['a custom Content-Type header', [{ name: 'Content-Type', value: 'text/html' }]],
    ['a custom Content-Transfer-Encoding header', [{ name: 'content-transfer-encoding', value: 'base64' }]],
    ['a custom MIME-Version header', [{ name: 'Mime-Version', value: '1.0' }]],
    ['a custom Reply-To header (an address header)', [{ name: 'Reply-To', value: 'Åsa <a@example.org>' }]],
    ['a custom Bcc header (dropped)', [{ name: 'bcc', value: 'b@example.org' }]],
    ['a custom Content-ID header (a msg-id)', [{ name: 'Content-Id', value: 'cid' }]],
    ['Message-ID with white space in the name (not filtered, then replaced)', [{ name: ' Message-ID', value: '<x@y>' }]],
    ['a header without a name', [{ name: '', value: 'x' }]],
  ] as Array<[string, ComposeInput['headers']]>)('declines %s, and composeSync still matches nodemailer', async (_name, headers) => {
    const input = base('Hej då', { headers: [...headers, ...HEADERS] });
    expect(composeLean(input)).toBeNull();
    expect(composeSync(input)!.toString('latin1')).toBe((await composeStreamed(input)).toString('latin1'));
  });

  it('declines a message without Message-ID (MailComposer makes one up from random bytes)', () => {
    expect(composeLean(base('x', { messageId: '' }))).toBeNull();
    expect(composeSync(base('x', { messageId: '' }))!.toString('latin1')).toMatch(/\r\nMessage-ID: <[0-9a-f-]+@example\.test>\r\n/);
  });
});

/* A seeded sweep: subjects, names, addresses, texts and header values built from pieces that hit every branch of nodemailer's encoders. */
const WORDS = ['Re:', 'Sv:', 'billing', 'question', '17', '(invoice)', '[#123]', 'Fråga', 'ärende', '—', 'Здравствуйте', 'お問い合わせ', '😀', '"quoted"', "O'Brien",
  'Doe,', 'a\\b', '=?utf-8?Q?caf=C3=A9?=', '=?bogus?=', 'a=?b', '=?', '?=', '\t', '\r\n', '\n', '\r', '\u0001', '\u007f', ' ', '', '<', '>', '@', ';', ':', '.',
  'x'.repeat(80), 'long-word-'.repeat(9), 'é', 'ß', 'İ', '\u00a0', '\u2028'];
const LOCALS = ['john', 'j.doe', 'a+b', 'x_y', 'UPPER', "o'brien", 'a..b', '.x', 'q"t', 'sp ace', 'noreply'];
const DOMAINS = ['example.org', 'Example.ORG', 'Mail.example.org', 'xn--zz.example', 'exämple.org', 'mail.example.co.uk', 'ex--ample.org', 'xn--exmple-cua.org', 'example.123', '0x7f.1', '[127.0.0.1]',
  'a-.example', '-a.example', 'localhost', `${'l'.repeat(64)}.example`, 'e.x'];
const NAMES = ['Support', 'Anna Berg', 'Kundtjänst Åre', 'Doe, John', '"JJ"', 'Ödön', 'Жанна', '山田', 'x@y', '(c)', ''];

function phrase(r: Rng, max: number): string {
  return Array.from({ length: 1 + r.int(max) }, () => r.pick(WORDS)).join(r.chance(0.8) ? ' ' : '');
}
function address(r: Rng): string {
  const addr = `${r.pick(LOCALS)}@${r.pick(DOMAINS)}`;
  const name = r.chance(0.5) ? r.pick(NAMES) : phrase(r, 3);
  return r.pick([addr, `${name} <${addr}>`, `"${name}" <${addr}>`, `${addr}, ${r.pick(LOCALS)}@${r.pick(DOMAINS)}`, r.pick(NAMES)]);
}
function sweepInput(seed: number, i: number): ComposeInput {
  const r = rngFor(seed, i);
  const msgId = () => r.pick(['<q-1@example.org>', 'q-2@example.org', '<a b@c>', '', ' ', `<${'m'.repeat(90)}@example.org>`, '<ö@example.org>', '<x\r\ny@z>']);
  // no lone CR in a text: the reference transport (LF line ends) drops it, nodemailer's CRLF build and composeSync keep it
  return base(r.chance(0.3) ? phrase(r, 30).replace(/\r(?!\n)/g, '') : r.pick(TEXTS)[1], {
    from: r.chance(0.3) ? 'Support <noreply@example.test>' : address(r),
    // a non-ASCII local part beside an encoded body is written as the MailComposer path did, not as nodemailer's build (see above)
    to: r.chance(0.5) ? `${r.pick(LOCALS)}@${r.pick(DOMAINS)}` : address(r),
    subject: r.chance(0.15) ? '' : phrase(r, r.chance(0.2) ? 40 : 8),
    inReplyTo: r.chance(0.2) ? null : msgId(),
    references: Array.from({ length: r.int(r.chance(0.2) ? 25 : 4) }, msgId),
    // values without adjacent line breaks: the reference build turns each into a space, composeSync a run of them into one
    headers: [...HEADERS, ...Array.from({ length: r.int(3) }, () => ({ name: r.pick(['X-Extra', 'list-id', 'x-spf', 'Organization']), value: phrase(r, 6).replace(/[\r\n]{2,}/g, '\n') }))],
  });
}

describe('composeLean: a seeded sweep over subjects, names, addresses, texts and header values', () => {
  it('is byte for byte what the MailComposer path wrote, and nodemailer\'s reference build', async () => {
    const SEED = 20261130;
    const N = 600;
    for (let i = 0; i < N; i++) {
      const input = sweepInput(SEED, i);
      const lean = composeLean(input);
      const context = `seed ${SEED}, case ${i}: ${JSON.stringify({ from: input.from, to: input.to, subject: input.subject, inReplyTo: input.inReplyTo, references: input.references })}`;
      expect(lean, context).not.toBeNull(); // every such input is one the writer lays out itself
      const out = lean!.toString('latin1');
      expect(out, context).toBe(composeViaComposer(input)!.toString('latin1'));
      expect(out, context).toBe((await reference(input)).toString('latin1'));
    }
  });
});

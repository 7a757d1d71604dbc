import { describe, expect, it } from 'vitest';
import {
  agentHtmlToText, answerHtml, answerText, answerThreadHeaders, checkRecipients, defaultAnswerSubject, defaultRecipients, fillVariables, finalAnswerSubject, forwardSubject,
  fromChoices, normaliseRecipients, renderAnswerTemplate, unknownVariables, type AccountAddresses, type AnswerMode,
} from '../../../src/core/answer/index.js';
import { findCaseTags } from '../../../src/core/analysis/threading.js';
import { rawMessageId } from '../../../src/roles/delivery/replies.js';

const support: AccountAddresses = { accountId: 'a1', address: 'support@acme.test', returnAddress: 'noreply@acme.test', alternativeAddresses: ['Zeta@acme.test', 'alpha@acme.test'], entranceId: 'e1' };
const sales: AccountAddresses = { accountId: 'a2', address: 'sales@acme.test', returnAddress: null, alternativeAddresses: [], entranceId: 'e2' };
const billing: AccountAddresses = { accountId: 'a3', address: 'billing@acme.test', returnAddress: null, alternativeAddresses: ['invoices@acme.test'], entranceId: 'e3' };
const accounts = [support, sales, billing];

describe('fromChoices: return address, then the address written to (usable entrance), then alternatives alphabetically', () => {
  const cases: Array<{ name: string; writtenTo: string[]; usable: string[]; account?: AccountAddresses; want: string[] }> = [
    { name: 'wrote to the account itself: return address, alternatives', writtenTo: ['support@acme.test'], usable: ['e1', 'e2', 'e3'], want: ['noreply@acme.test', 'support@acme.test', 'alpha@acme.test', 'zeta@acme.test'] },
    { name: 'wrote to another entrance of the area', writtenTo: ['Sales@acme.test'], usable: ['e1', 'e2'], want: ['noreply@acme.test', 'sales@acme.test', 'alpha@acme.test', 'zeta@acme.test'] },
    { name: 'another entrance outside the agent\'s area is not offered', writtenTo: ['sales@acme.test'], usable: ['e1'], want: ['noreply@acme.test', 'alpha@acme.test', 'zeta@acme.test'] },
    { name: 'wrote to an alternative: it moves up, not twice', writtenTo: ['zeta@acme.test'], usable: ['e1'], want: ['noreply@acme.test', 'zeta@acme.test', 'alpha@acme.test'] },
    { name: 'an alternative address of another account counts for that account', writtenTo: ['invoices@acme.test'], usable: ['e1', 'e3'], want: ['noreply@acme.test', 'invoices@acme.test', 'alpha@acme.test', 'zeta@acme.test'] },
    { name: 'the first own address in To/Cc decides; strangers are skipped', writtenTo: ['friend@else.test', 'sales@acme.test', 'billing@acme.test'], usable: ['e1', 'e2', 'e3'], want: ['noreply@acme.test', 'sales@acme.test', 'alpha@acme.test', 'zeta@acme.test'] },
    { name: 'no return address: the account address tops the list', writtenTo: [], usable: ['e2'], account: sales, want: ['sales@acme.test'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = fromChoices({ account: c.account ?? support, accounts, writtenTo: c.writtenTo, usableEntranceIds: new Set(c.usable) });
      expect(out.map((x) => x.address)).toEqual(c.want);
    });
  }
  it('records the entrance each From counts for', () => {
    const out = fromChoices({ account: support, accounts, writtenTo: ['sales@acme.test'], usableEntranceIds: new Set(['e1', 'e2']) });
    expect(out.map((x) => [x.address, x.entranceId, x.why])).toEqual([
      ['noreply@acme.test', 'e1', 'return-address'], ['sales@acme.test', 'e2', 'written-to'], ['alpha@acme.test', 'e1', 'alternative'], ['zeta@acme.test', 'e1', 'alternative'],
    ]);
  });
});

describe('defaultRecipients', () => {
  const own = ['support@acme.test', 'noreply@acme.test', 'sales@acme.test'];
  const original: { from: string | null; replyTo: string[]; to: string[]; cc: string[] } = { from: 'kim@customer.test', replyTo: [] as string[], to: ['support@acme.test', 'Pat@customer.test'], cc: ['sales@acme.test', 'lee@customer.test', 'pat@customer.test'] };
  const cases: Array<{ mode: AnswerMode; original?: typeof original; want: { to: string[]; cc: string[] } }> = [
    { mode: 'reply', want: { to: ['kim@customer.test'], cc: [] } },
    { mode: 'reply', original: { ...original, replyTo: ['tickets@customer.test'] }, want: { to: ['tickets@customer.test'], cc: [] } },
    { mode: 'reply-all', want: { to: ['kim@customer.test', 'pat@customer.test'], cc: ['lee@customer.test'] } },
    { mode: 'reply-all', original: { ...original, from: 'support@acme.test' }, want: { to: ['pat@customer.test'], cc: ['lee@customer.test'] } },
    { mode: 'reply', original: { ...original, from: null }, want: { to: [], cc: [] } },
    { mode: 'forward', want: { to: [], cc: [] } },
  ];
  for (const [i, c] of cases.entries()) it(`${c.mode} #${i + 1}`, () => expect(defaultRecipients(c.mode, c.original ?? original, own)).toEqual(c.want));
});

describe('checkRecipients', () => {
  const cases: Array<{ r: { to: string[]; cc: string[]; bcc: string[] }; want: string | null }> = [
    { r: { to: ['a@b.test'], cc: [], bcc: [] }, want: null },
    { r: { to: [], cc: [], bcc: ['x@y.example'] }, want: null },
    { r: { to: [], cc: [], bcc: [] }, want: 'answer.recipients_empty' },
    { r: { to: ['Kim <kim@x.test>'], cc: [], bcc: [] }, want: 'answer.recipient_invalid' },
    { r: { to: ['a@b.test, c@d.test'], cc: [], bcc: [] }, want: 'answer.recipient_invalid' },
    { r: { to: ['no-at-sign'], cc: [], bcc: [] }, want: 'answer.recipient_invalid' },
    { r: { to: ['a..b@x.test'], cc: [], bcc: [] }, want: 'answer.recipient_invalid' },
    { r: { to: ['a@localhost'], cc: [], bcc: [] }, want: 'answer.recipient_invalid' },
    { r: { to: ['a@b.test'], cc: ['bad address'], bcc: [] }, want: 'answer.recipient_invalid' },
  ];
  for (const c of cases) it(JSON.stringify(c.r), () => expect(checkRecipients(c.r)?.code ?? null).toBe(c.want));
  it('names each invalid entry', () => {
    const p = checkRecipients({ to: ['ok@x.test', 'nope'], cc: [], bcc: ['also bad'] });
    expect(p && p.code === 'answer.recipient_invalid' ? p.invalid : null).toEqual([{ field: 'to', index: 1, value: 'nope' }, { field: 'bcc', index: 0, value: 'also bad' }]);
  });
  it('normalises: lower case, each address once across To, Cc, Bcc', () => {
    expect(normaliseRecipients({ to: [' A@x.test', 'b@x.test'], cc: ['a@X.test', 'c@x.test'], bcc: ['B@x.test', 'd@x.test'] }))
      .toEqual({ to: ['a@x.test', 'b@x.test'], cc: ['c@x.test'], bcc: ['d@x.test'] });
  });
});

describe('template variables', () => {
  const values = { 'customer.name': 'Kim <b>Kund</b>', 'case.number': 42, 'agent.name': 'Alice', 'contact.subject': 'Order', 'entrance.name': 'support', 'customer.email': null };
  const cases: Array<{ text: string; want: string; missing: string[] }> = [
    { text: 'Hello {{customer.name}}', want: 'Hello Kim <b>Kund</b>', missing: [] },
    { text: 'Case {{ case.number }} by {{agent.name}}', want: 'Case 42 by Alice', missing: [] },
    { text: 'Old names: {{customerName}} {{caseNumber}} {{originalSubject}}', want: 'Old names: Kim <b>Kund</b> 42 Order', missing: [] },
    { text: 'Mail {{customer.email}}', want: 'Mail {{customer.email}}', missing: ['customer.email'] },
    { text: 'Unknown {{order.eta}} and {{order.eta}}', want: 'Unknown {{order.eta}} and {{order.eta}}', missing: ['order.eta'] },
    { text: 'Not a variable: {{ }} {customer.name} {{1abc}}', want: 'Not a variable: {{ }} {customer.name} {{1abc}}', missing: [] },
  ];
  for (const c of cases) {
    it(c.text, () => expect(fillVariables(c.text, values)).toEqual({ text: c.want, missing: c.missing }));
  }
  it('escapes values for HTML and can drop what is missing', () => {
    expect(fillVariables('<p>{{customer.name}}{{order.eta}}</p>', values, { escape: (s) => s.replace(/</g, '&lt;').replace(/>/g, '&gt;'), dropMissing: true }))
      .toEqual({ text: '<p>Kim &lt;b&gt;Kund&lt;/b&gt;</p>', missing: ['order.eta'] });
  });
  it('renders a canned answer: subject on one line, body as escaped HTML paragraphs and as text', () => {
    const r = renderAnswerTemplate({ subject: 'About {{contact.subject}}\nnext', body: 'Dear {{customer.name}},\n\nLine one\nline two <x>\n\n{{order.eta}}' }, values);
    expect(r.subject).toBe('About Order next');
    expect(r.text).toBe('Dear Kim <b>Kund</b>,\n\nLine one\nline two <x>\n\n{{order.eta}}');
    expect(r.html).toBe('<p>Dear Kim &lt;b&gt;Kund&lt;/b&gt;,</p>\n<p>Line one<br>line two &lt;x&gt;</p>\n<p>{{order.eta}}</p>');
    expect(r.missing).toEqual(['order.eta']);
  });
  it('knows which names are unknown', () => expect(unknownVariables('{{customer.name}} {{caseNumber}} {{foo.bar}} {{estimatedWait}}')).toEqual(['foo.bar', 'estimatedWait']));
});

describe('subjects carry the case tag in the form threading recognises', () => {
  const cases: Array<{ mode: AnswerMode; subject: string; caseNo: number | null; prefix?: string; want: string }> = [
    { mode: 'reply', subject: 'Where is my order?', caseNo: 7, want: 'Re: Where is my order? [#7]' },
    { mode: 'reply-all', subject: 'RE: Where [#7]', caseNo: 7, want: 'RE: Where [#7]' },
    { mode: 'reply', subject: 'AW: Frage', caseNo: 12, prefix: 'ACME', want: 'AW: Frage [ACME #12]' },
    { mode: 'forward', subject: 'Invoice', caseNo: 3, want: 'Fwd: Invoice [#3]' },
    { mode: 'forward', subject: 'WG: Rechnung', caseNo: 3, want: 'WG: Rechnung [#3]' },
    { mode: 'reply', subject: 'Line\r\nbreak', caseNo: null, want: 'Re: Line break' },
    { mode: 'reply', subject: '', caseNo: 5, want: 'Re: [#5]' },
  ];
  for (const c of cases) {
    it(`${c.mode}: ${JSON.stringify(c.subject)}`, () => {
      const s = defaultAnswerSubject(c.mode, c.subject, c.caseNo, { prefix: c.prefix });
      expect(s).toBe(c.want);
      if (c.caseNo !== null) expect(findCaseTags(s, { prefix: c.prefix })).toContain(c.caseNo);
    });
  }
  it('adds the tag at send time when the agent removed it, never twice', () => {
    expect(finalAnswerSubject('Re: my own words', 9)).toBe('Re: my own words [#9]');
    expect(finalAnswerSubject('Re: kept [#9]\n', 9)).toBe('Re: kept [#9]');
    expect(forwardSubject('Fw: x')).toBe('Fw: x');
  });
});

describe('answerThreadHeaders', () => {
  it('In-Reply-To is the mail answered; References chain the case, oldest first, the answered mail last', () => {
    expect(answerThreadHeaders({ answered: 'm3@c', answeredReferences: ['<m1@c>'], caseMessageIds: ['<m1@c>', '<sy.case.1@us>', '<m3@c>'] }))
      .toEqual({ inReplyTo: '<m3@c>', references: ['<m1@c>', '<sy.case.1@us>', '<m3@c>'] });
  });
  it('keeps the root and the newest when there are too many', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `<m${i}@c>`);
    const r = answerThreadHeaders({ answered: '<last@c>', answeredReferences: [], caseMessageIds: ids });
    expect(r.references).toHaveLength(20);
    expect(r.references[0]).toBe('<m0@c>');
    expect(r.references.at(-1)).toBe('<last@c>');
  });
  it('no Message-ID on the original: no In-Reply-To', () => expect(answerThreadHeaders({ answered: null, answeredReferences: [], caseMessageIds: [] })).toEqual({ inReplyTo: null, references: [] }));
});

describe('answer body', () => {
  const thread = [{ from: 'Kim <kim@x.test>', to: ['s@acme.test'], date: Date.UTC(2026, 10, 30, 8), subject: 'Q', text: 'Hello <there>\nsecond line', html: null }];
  it('reply: text, signature, quoted thread (escaped)', () => {
    const html = answerHtml({ mode: 'reply', agentHtml: '<p>Answer</p>', signature: 'Regards\nAcme & Co', quote: 'thread', thread, forwarded: null });
    expect(html).toBe('<p>Answer</p>\n<div class="signature">-- <br>\n<p>Regards<br>Acme &amp; Co</p></div>\n<p>On Mon, 30 Nov 2026 08:00:00 GMT, Kim &lt;kim@x.test&gt; wrote:</p>\n<blockquote type="cite">\n<p>Hello &lt;there&gt;<br>second line</p>\n</blockquote>');
    expect(answerText({ mode: 'reply', agentText: 'Answer', signature: 'Regards', quote: 'thread', thread, forwarded: null }))
      .toBe('Answer\n\n-- \nRegards\n\nOn Mon, 30 Nov 2026 08:00:00 GMT, Kim <kim@x.test> wrote:\n> Hello <there>\n> second line\n');
  });
  it('quote none leaves the thread out; a forward always carries the forwarded message', () => {
    expect(answerHtml({ mode: 'reply', agentHtml: '<p>A</p>', signature: null, quote: 'none', thread, forwarded: null })).toBe('<p>A</p>');
    const fwd = answerHtml({ mode: 'forward', agentHtml: '<p>FYI</p>', signature: null, quote: 'none', thread, forwarded: { ...thread[0], html: '<p>orig <img src="cid:x@y"></p>' } });
    expect(fwd).toContain('---------- Forwarded message ----------');
    expect(fwd).toContain('<p>orig <img src="cid:x@y"></p>');
  });
});

describe('rawMessageId (the Sent copy is looked up by it)', () => {
  const cases: Array<{ raw: string; want: string | null }> = [
    { raw: 'From: a@b.test\r\nMessage-ID: <sy.c1.ab@acme.test>\r\n\r\nbody', want: '<sy.c1.ab@acme.test>' },
    { raw: 'Message-Id:\r\n <folded@acme.test>\r\nSubject: x\r\n\r\n', want: '<folded@acme.test>' },
    { raw: 'Subject: no id\r\n\r\nMessage-ID: <in-the-body@acme.test>\r\n', want: null },
    { raw: 'Subject: bare LF\nmessage-id: <lf@acme.test>\n\nbody', want: '<lf@acme.test>' },
  ];
  for (const c of cases) it(JSON.stringify(c.raw.slice(0, 30)), () => expect(rawMessageId(Buffer.from(c.raw))).toBe(c.want));
});

describe('agentHtmlToText', () => {
  const cases: Array<[string, string]> = [
    ['<p>See <a href="https://acme.test/faq">our FAQ</a></p>', 'See our FAQ [https://acme.test/faq]'],
    ['<p><a href="https://acme.test">https://acme.test</a></p>', 'https://acme.test'],
    ['<p>One</p><p>Two<br>three</p>', 'One\n\nTwo\nthree'],
    ['<p>Logo <img src="cid:x"></p>', 'Logo'],
  ];
  for (const [html, want] of cases) it(html, () => expect(agentHtmlToText(html)).toBe(want));
});

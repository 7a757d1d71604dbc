import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  answerHeaders, decideAutoAnswer, pickVersion, quoteText, renderTemplate, ruleMatches,
  type AnswerTemplate, type DecideAutoAnswerInput,
} from '../../../src/core/analysis/auto-answer.js';

const thanks: AnswerTemplate = {
  name: 'thanks',
  defaultLanguage: 'en',
  versions: {
    en: { subject: 'We received: {{originalSubject}}', body: 'Hello {{customerName}},\nyour case {{caseNumber}} is queued. Wait: {{estimatedWait}}. Hours: {{openingHours}}.' },
    sv: { subject: 'Vi har tagit emot: {{originalSubject}}', body: 'Hej {{customerName}}! Ärende {{caseNumber}}.' },
  },
};
const billing: AnswerTemplate = { name: 'billing', defaultLanguage: 'en', versions: { en: { subject: 'Billing', body: 'Billing team {{team}} will answer.' } } };

const base: DecideAutoAnswerInput = {
  config: { mode: 'always', template: thanks },
  contactData: {},
  language: 'en',
  loop: { allowed: true, reasons: [] },
  rate: { allowed: true },
  vars: { caseNumber: 1234, customerName: 'Anna', originalSubject: 'Invoice missing', estimatedWait: '2 hours', openingHours: '8-17' },
  originalText: 'Where is my invoice?\nThanks',
  quoting: { mode: 'none', prefix: '> ' },
};

describe('decideAutoAnswer', () => {
  it('always: renders subject (Re: + case tag) and body', () => {
    const d = decideAutoAnswer(base);
    expect(d).toMatchObject({
      send: true,
      subject: 'Re: We received: Invoice missing [#1234]',
      body: 'Hello Anna,\nyour case 1234 is queued. Wait: 2 hours. Hours: 8-17.',
      templateName: 'thanks',
      language: 'en',
      via: 'always',
      unknownVariables: [],
      missingVariables: [],
    });
    if (d.send) expect(d.explanation[0]).toContain('always');
  });

  it('picks the language version, falling back to the default language', () => {
    expect(decideAutoAnswer({ ...base, language: 'sv' })).toMatchObject({ send: true, language: 'sv', body: 'Hej Anna! Ärende 1234.' });
    expect(decideAutoAnswer({ ...base, language: 'sv-SE' })).toMatchObject({ send: true, language: 'sv' });
    expect(decideAutoAnswer({ ...base, language: 'fi' })).toMatchObject({ send: true, language: 'en' });
    expect(decideAutoAnswer({ ...base, language: 'unknown' })).toMatchObject({ send: true, language: 'en' });
  });

  it('never: not sent, with a reason', () => {
    expect(decideAutoAnswer({ ...base, config: { mode: 'never' } })).toEqual({
      send: false, reasons: ['config.never'], details: [{ code: 'config.never', message: expect.any(String) }],
    });
  });

  describe('conditional', () => {
    const config = {
      mode: 'conditional' as const,
      rules: [
        { key: 'taskType', op: 'equals' as const, value: '230', template: billing },
        { key: 'categories', op: 'equals' as const, value: 'Billing', template: billing },
        { key: 'EmailHdrSubject', op: 'contains' as const, value: 'urgent', template: thanks },
      ],
      fallback: thanks,
    };
    it.each<[string, Record<string, string | string[]>, string]>([
      ['equals on a string', { taskType: '230' }, 'rule 1'],
      ['equals is case-insensitive and trimmed', { categories: [' billing '] }, 'rule 2'],
      ['equals on a list: any element', { categories: ['other', 'Billing'] }, 'rule 2'],
      ['contains: substring', { EmailHdrSubject: 'This is URGENT!' }, 'rule 3'],
      ['first matching rule wins', { taskType: '230', EmailHdrSubject: 'urgent' }, 'rule 1'],
      ['fallback when nothing matches', { taskType: '231' }, 'fallback'],
    ])('%s', (_l, contactData, via) => {
      const d = decideAutoAnswer({ ...base, config, contactData });
      expect(d.send).toBe(true);
      if (d.send) expect(d.via).toBe(via);
    });
    it('no rule and no fallback: not sent', () => {
      const d = decideAutoAnswer({ ...base, config: { ...config, fallback: undefined }, contactData: {} });
      expect(d).toMatchObject({ send: false, reasons: ['config.no-rule-matched'] });
    });
    it('equals does not match substrings', () => {
      expect(ruleMatches({ key: 'taskType', op: 'equals', value: '23' }, { taskType: '230' })).toBe(false);
      expect(ruleMatches({ key: 'missing', op: 'contains', value: '' }, {})).toBe(false);
    });
  });

  it('unknown variables are left as written and reported', () => {
    const d = decideAutoAnswer({ ...base, config: { mode: 'always', template: billing } });
    expect(d).toMatchObject({ send: true, body: 'Billing team {{team}} will answer.', unknownVariables: ['team'] });
  });

  it('known variables without a value become empty and are reported', () => {
    const d = decideAutoAnswer({ ...base, vars: { caseNumber: 5, customerName: 'Bo', originalSubject: 'x' } });
    expect(d).toMatchObject({ send: true, missingVariables: ['estimatedWait', 'openingHours'] });
    if (d.send) expect(d.body).toContain('Wait: .');
  });

  it('values cannot inject header lines into the subject', () => {
    const d = decideAutoAnswer({ ...base, vars: { ...base.vars, originalSubject: 'hi\r\nBcc: victim@x.example' } });
    if (d.send) expect(d.subject).not.toMatch(/[\r\n]/);
  });

  it('an empty template subject falls back to the original subject', () => {
    const t: AnswerTemplate = { name: 't', defaultLanguage: 'en', versions: { en: { subject: '', body: 'ok' } } };
    expect(decideAutoAnswer({ ...base, config: { mode: 'always', template: t } })).toMatchObject({ subject: 'Re: Invoice missing [#1234]' });
  });

  it('does not double the Re: or the tag', () => {
    const t: AnswerTemplate = { name: 't', defaultLanguage: 'en', versions: { en: { subject: '{{originalSubject}}', body: 'ok' } } };
    const d = decideAutoAnswer({ ...base, config: { mode: 'always', template: t }, vars: { ...base.vars, originalSubject: 'Re: Invoice [#1234]' } });
    expect(d).toMatchObject({ subject: 'Re: Invoice [#1234]' });
  });

  it('a custom case-tag prefix', () => {
    expect(decideAutoAnswer({ ...base, caseTag: { prefix: 'ACME' } })).toMatchObject({ subject: 'Re: We received: Invoice missing [ACME #1234]' });
  });

  it.each([
    ['before', '> Where is my invoice?\n> Thanks\n\nHej Anna! Ärende 1234.'],
    ['after', 'Hej Anna! Ärende 1234.\n\n> Where is my invoice?\n> Thanks'],
  ] as const)('quotes the original %s the answer', (mode, body) => {
    expect(decideAutoAnswer({ ...base, language: 'sv', quoting: { mode, prefix: '> ' } })).toMatchObject({ body });
  });

  it('quoting with a custom prefix and a length cap', () => {
    expect(quoteText('a\r\nb', '| ')).toBe('| a\n| b');
    expect(quoteText('abcdef', '>', 3)).toBe('>abc\n>[…]');
  });

  it.each([
    ['loop protection', { loop: { allowed: false, reasons: ['header.precedence'] } }, ['header.precedence']],
    ['loop protection with details', { loop: { allowed: false, reasons: ['sender.no-reply'], details: [{ code: 'sender.no-reply' as const, message: 'From x is no-reply' }] } }, ['sender.no-reply']],
    ['rate limit', { rate: { allowed: false as const, reason: 'rate.limited' as const, message: '1 in 10 min', limit: { windowMs: 1, max: 1 }, retryAfterMs: 5 } }, ['rate.limited']],
    ['template without a usable version', { config: { mode: 'always' as const, template: { name: 'x', defaultLanguage: 'de', versions: { fr: { subject: 's', body: 'b' } } } } }, ['template.no-version']],
    ['empty template', { config: { mode: 'always' as const, template: { name: 'x', defaultLanguage: 'en', versions: { en: { subject: ' ', body: '' } } } } }, ['template.empty']],
  ])('not sent because of %s', (_l, patch, reasons) => {
    const d = decideAutoAnswer({ ...base, ...patch } as DecideAutoAnswerInput);
    expect(d).toMatchObject({ send: false, reasons });
  });

  it('lists every reason at once', () => {
    const d = decideAutoAnswer({
      ...base,
      config: { mode: 'never' },
      loop: { allowed: false, reasons: ['header.auto-submitted', 'spam.flagged'] },
      rate: { allowed: false, reason: 'rate.limited', message: 'x', limit: { windowMs: 1, max: 1 }, retryAfterMs: 1 },
    });
    expect(d).toMatchObject({ send: false, reasons: ['header.auto-submitted', 'spam.flagged', 'rate.limited', 'config.never'] });
  });
});

describe('templates', () => {
  it('renderTemplate tolerates spaces inside braces', () => {
    expect(renderTemplate('{{ caseNumber }}/{{caseNumber}}', { caseNumber: 7 })).toEqual({ text: '7/7', unknown: [], missing: [] });
  });
  it('pickVersion returns null when nothing fits', () => {
    expect(pickVersion({ name: 'x', defaultLanguage: 'de', versions: {} }, 'en')).toBeNull();
  });
  it('rendering never throws and never leaves a known variable (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 100 }), fc.string({ maxLength: 20 }), (text, name) => {
      const r = renderTemplate(`${text}{{customerName}}`, { customerName: name });
      expect(r.text).not.toContain('{{customerName}}');
    }));
  });
});

describe('answerHeaders', () => {
  it('marks the answer as automatic and threads it', () => {
    const h = answerHeaders({ inReplyTo: '<orig@customer.example>', references: ['<root@x>', 'mid@x'], loopMarker: 'X-Switchyard-Loop', ourMessageId: '<sy.1.r@company.example>' });
    expect(h).toEqual([
      { name: 'Message-ID', value: '<sy.1.r@company.example>' },
      { name: 'In-Reply-To', value: '<orig@customer.example>' },
      { name: 'References', value: '<root@x> <mid@x> <orig@customer.example>' },
      { name: 'Auto-Submitted', value: 'auto-replied' },
      { name: 'X-Auto-Response-Suppress', value: 'All' },
      { name: 'Precedence', value: 'bulk' },
      { name: 'X-Switchyard-Loop', value: 'auto-answer' },
    ]);
  });
  it('without an original id there is no In-Reply-To; Precedence can be turned off', () => {
    const h = answerHeaders({ inReplyTo: null, references: [], loopMarker: 'X-SY', precedence: false, loopMarkerValue: 'entrance-3' });
    expect(h.map((x) => x.name)).toEqual(['Auto-Submitted', 'X-Auto-Response-Suppress', 'X-SY']);
    expect(h[2].value).toBe('entrance-3');
  });
  it('caps long References, keeping the thread root', () => {
    const refs = Array.from({ length: 50 }, (_, i) => `<r${i}@x>`);
    const h = answerHeaders({ inReplyTo: '<last@x>', references: refs, loopMarker: 'X-SY' });
    const value = h.find((x) => x.name === 'References')!.value.split(' ');
    expect(value).toHaveLength(20);
    expect(value[0]).toBe('<r0@x>');
    expect(value[19]).toBe('<last@x>');
  });
});

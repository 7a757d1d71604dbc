import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addCaseTag, findCaseTags, formatCaseTag, normaliseMessageId, ourMessageId, parseOurMessageId, parseOurMessageIdParts,
  replySubject, resolveThread, threadLookupKeys, type ThreadKnowledge,
} from '../../../src/core/analysis/threading.js';

describe('case tags', () => {
  it('formats', () => {
    expect(formatCaseTag(1234)).toBe('[#1234]');
    expect(formatCaseTag(1234, { prefix: 'ACME' })).toBe('[ACME #1234]');
    expect(formatCaseTag(7, { prefix: ' [Bad#] ' })).toBe('[Bad #7]');
  });
  it.each<[string, number[]]>([
    ['Help [#1234]', [1234]],
    ['Re: Help [#1234] and [#99] and [#1234]', [1234, 99]],
    ['Help #1234', []],
    ['[# 12]', []],
    ['[#12a]', []],
    ['[ACME #5]', []],
    ['', []],
  ])('findCaseTags(%j) → %j', (subject, expected) => {
    expect(findCaseTags(subject)).toEqual(expected);
  });
  it('with a prefix only that prefix counts (case-insensitive)', () => {
    expect(findCaseTags('[ACME #5] [#6] [acme  #7] [RT #8]', { prefix: 'ACME' })).toEqual([5, 7]);
  });
  it.each<[string, number, string]>([
    ['Help', 1234, 'Help [#1234]'],
    ['Re: Help', 1234, 'Re: Help [#1234]'],
    ['Re: Help [#1234]', 1234, 'Re: Help [#1234]'],
    ['Re: Help [#99]', 1234, 'Re: Help [#99] [#1234]'],
    ['', 5, '[#5]'],
    ['Help   ', 5, 'Help [#5]'],
  ])('addCaseTag(%j, %d) → %j', (subject, n, expected) => {
    expect(addCaseTag(subject, n)).toBe(expected);
  });

  const prefixArb = fc.option(fc.constantFrom('ACME', 'Support Desk', 'Ä'), { nil: undefined });
  it('addCaseTag is idempotent (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), fc.integer({ min: 0, max: 1e12 }), prefixArb, (s, n, prefix) => {
      const once = addCaseTag(s, n, { prefix });
      expect(addCaseTag(once, n, { prefix })).toBe(once);
    }));
  });
  it('findCaseTags(addCaseTag(s, n)) contains n (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), fc.integer({ min: 0, max: 1e12 }), prefixArb, (s, n, prefix) => {
      expect(findCaseTags(addCaseTag(s, n, { prefix }), { prefix })).toContain(n);
    }));
  });
  it('addCaseTag keeps the original subject as a prefix (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), fc.integer({ min: 0, max: 99999 }), (s, n) => {
      expect(addCaseTag(s, n).startsWith(s.replace(/\s+$/, ''))).toBe(true);
    }));
  });
});

describe('reply subject', () => {
  it.each([
    ['Help', 'Re: Help'],
    ['Re: Help', 'Re: Help'],
    ['RE: Help', 'RE: Help'],
    ['Sv: Hjälp', 'Sv: Hjälp'],
    ['AW: Hilfe', 'AW: Hilfe'],
    ['Regarding help', 'Re: Regarding help'],
    ['', 'Re:'],
  ])('%j → %j', (s, expected) => expect(replySubject(s)).toBe(expected));
});

describe('our Message-IDs', () => {
  it('formats and parses', () => {
    const id = ourMessageId('4711', 'Mail.Company.Example', 'abc123');
    expect(id).toBe('<sy.4711.abc123@mail.company.example>');
    expect(parseOurMessageId(id)).toBe('4711');
    expect(parseOurMessageIdParts(id)).toEqual({ caseId: '4711', random: 'abc123', domain: 'mail.company.example' });
  });
  it('encodes awkward case ids so they round-trip', () => {
    const id = ourMessageId('case.7/ä <x>', 'c.example', 'r.1');
    expect(id).toMatch(/^<sy\.[A-Za-z0-9_%-]+\.[A-Za-z0-9_%-]+@c\.example>$/);
    expect(parseOurMessageId(id)).toBe('case.7/ä <x>');
  });
  it.each(['<abc@example.com>', '<sy.@x>', 'sy', '<sy.%ZZ.r@x>', ''])('%j is not ours', (id) => {
    expect(parseOurMessageId(id)).toBeNull();
  });
  it('round-trips any id (property)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.stringMatching(/^[A-Za-z0-9]{1,12}$/), (caseId, random) => {
      expect(parseOurMessageId(ourMessageId(caseId, 'company.example', random))).toBe(caseId);
    }));
  });
  it('normalises ids for lookup', () => {
    expect(normaliseMessageId(' <a@b> ')).toBe('<a@b>');
    expect(normaliseMessageId('a@b')).toBe('<a@b>');
  });
});

describe('resolveThread', () => {
  const known: ThreadKnowledge = {
    messageIds: {
      '<out-1@company.example>': { caseId: 'case-A', lastAgentId: 'agent-1' },
      '<out-2@company.example>': { caseId: 'case-B', lastAgentId: null },
    },
    cases: { '1234': { caseId: 'case-C', lastAgentId: 'agent-3' } },
    caseIds: { 'case-D': { caseId: 'case-D', lastAgentId: 'agent-4' } },
  };

  it('In-Reply-To wins', () => {
    expect(resolveThread({ inReplyTo: '<out-1@company.example>', references: ['<out-2@company.example>'], subject: 'Re: x [#1234]' }, known))
      .toEqual({ caseId: 'case-A', via: 'in-reply-to', lastAgentId: 'agent-1', evidence: '<out-1@company.example>' });
  });
  it('References, newest first', () => {
    expect(resolveThread({ inReplyTo: '<unknown@x>', references: ['<out-1@company.example>', '<out-2@company.example>', '<zzz@x>'], subject: 'Re: x' }, known))
      .toMatchObject({ caseId: 'case-B', via: 'references' });
  });
  it('our own Message-ID format when the case exists', () => {
    const id = ourMessageId('case-D', 'company.example', 'r');
    expect(resolveThread({ inReplyTo: id, references: [], subject: 'Re: x' }, known)).toMatchObject({ caseId: 'case-D', via: 'our-message-id', lastAgentId: 'agent-4' });
    expect(resolveThread({ inReplyTo: ourMessageId('case-gone', 'company.example', 'r'), references: [], subject: 'Re: x' }, known)).toBeNull();
  });
  it('a case tag counts only when the case exists', () => {
    expect(resolveThread({ inReplyTo: null, references: [], subject: 'Re: Help [#1234]' }, known)).toMatchObject({ caseId: 'case-C', via: 'case-tag', lastAgentId: 'agent-3' });
    expect(resolveThread({ inReplyTo: null, references: [], subject: 'Re: Help [#9999]' }, known)).toBeNull();
    expect(resolveThread({ inReplyTo: null, references: [], subject: '[#9999] [#1234]' }, known)).toMatchObject({ caseId: 'case-C' });
  });
  it('NEVER threads on subject text alone: two "Help" mails stay separate', () => {
    const k: ThreadKnowledge = { messageIds: { '<first@customer-a.example>': { caseId: 'case-1', lastAgentId: null } }, cases: { '1': { caseId: 'case-1', lastAgentId: null } } };
    const first = { inReplyTo: null, references: [], subject: 'Help' };
    const second = { inReplyTo: null, references: [], subject: 'Help' };
    expect(resolveThread(first, k)).toBeNull();
    expect(resolveThread(second, k)).toBeNull();
    expect(resolveThread({ ...second, subject: 'Re: Help' }, k)).toBeNull();
  });
  it('does not trip over prototype keys', () => {
    expect(resolveThread({ inReplyTo: 'constructor', references: ['__proto__'], subject: '[#0]' }, { messageIds: {}, cases: {} })).toBeNull();
  });
  it('threadLookupKeys lists exactly what storage must fetch', () => {
    const id = ourMessageId('case-D', 'company.example', 'r');
    expect(threadLookupKeys({ inReplyTo: 'out-1@company.example', references: ['<a@x>', id, '<a@x>'], subject: 'Re: [#12] [#34]' })).toEqual({
      messageIds: ['<out-1@company.example>', '<a@x>', id],
      caseNumbers: ['12', '34'],
      caseIds: ['case-D'],
    });
  });
});

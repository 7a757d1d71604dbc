import { describe, expect, it } from 'vitest';
import { classifySmtpFailure, composeRedirect, tagSubject } from '../../src/core/email/redirect.js';

const original = Buffer.from('From: Karin <k@example.org>\r\nSubject: =?UTF-8?Q?Fakturan_=C3=A4r_fel?=\r\nMessage-ID: <m1@example.org>\r\n\r\nSubject: not a header\r\n');

describe('composeRedirect', () => {
  it('prepends the Resent-* block and the contact header, keeping the original From and Message-ID', () => {
    const out = composeRedirect({ raw: original, contactId: 'c-1', resentFrom: 'support@x.test', resentTo: 'agent@x.test', resentMessageId: '<sy.r@x.test>', date: new Date(Date.UTC(2026, 10, 27, 10, 0)) }).toString('latin1');
    expect(out.split('\r\n').slice(0, 5)).toEqual([
      'Resent-From: <support@x.test>', 'Resent-To: <agent@x.test>', 'Resent-Date: Fri, 27 Nov 2026 10:00:00 +0000', 'Resent-Message-ID: <sy.r@x.test>', 'X-Switchyard-Contact-Id: c-1',
    ]);
    expect(out).toContain('From: Karin <k@example.org>\r\n');
    expect(out).toContain('Message-ID: <m1@example.org>\r\n');
  });

  it('puts the case tag in front of an encoded subject, only in the header, only once', () => {
    const tagged = tagSubject(original, '[#42]').toString('latin1');
    expect(tagged).toContain('\r\nSubject: [#42] =?UTF-8?Q?Fakturan_=C3=A4r_fel?=\r\n');
    expect(tagged).toContain('\r\n\r\nSubject: not a header\r\n');
    expect(tagSubject(Buffer.from(tagged, 'latin1'), '[#42]').toString('latin1')).toBe(tagged);
  });

  it.each([
    ['folded subject', 'Subject: Re: a long\r\n subject line\r\nFrom: a@b\r\n\r\nbody', 'Subject: [#7] Re: a long\r\n subject line\r\n'],
    ['no subject at all', 'From: a@b\r\n\r\nbody', 'Subject: [#7]\r\nFrom: a@b'],
    ['bare LF message', 'From: a@b\nsubject: hi\n\nbody', 'subject: [#7] hi\n'],
    ['tag already present after folding', 'Subject: help\r\n [#7]\r\n\r\nb', 'Subject: help\r\n [#7]\r\n'],
  ])('%s', (_name, raw, expected) => {
    expect(tagSubject(Buffer.from(raw), '[#7]').toString('latin1')).toContain(expected);
  });
});

describe('classifySmtpFailure', () => {
  it.each([
    [{ responseCode: 550 }, 'permanent'], [{ responseCode: 552 }, 'permanent'], [{ responseCode: 451 }, 'temporary'], [{ responseCode: 421 }, 'temporary'],
    [{ code: 'EENVELOPE' }, 'permanent'], [{ code: 'ECONNREFUSED' }, 'temporary'], [{ code: 'ETIMEDOUT' }, 'temporary'], [{}, 'temporary'],
  ] as const)('%o → %s', (err, kind) => { expect(classifySmtpFailure(err)).toBe(kind); });
});

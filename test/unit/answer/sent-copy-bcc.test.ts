import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { composeAnswer, withBccHeader } from '../../../src/adapters/smtp-out/compose-answer.js';

describe('the Sent copy of an answer keeps its Bcc', () => {
  const mail = {
    from: 'support@x.test', to: ['kim@y.test'], cc: ['ann@y.test'], bcc: ['boss@x.test', 'audit@x.test'], subject: 'Re: hi', html: '<p>hi</p>', text: 'hi',
    messageId: '<m1@x.test>', date: new Date('2026-11-30T10:00:00Z'), inReplyTo: null, references: [], attachments: [],
  };
  it('the composed message has no Bcc header; the copy has it after Cc, and everything else is unchanged', async () => {
    const raw = await composeAnswer(mail);
    expect(/^bcc:/im.test(raw.toString())).toBe(false);
    const copy = withBccHeader(raw, mail.bcc);
    const parsed = await simpleParser(copy);
    expect((parsed.bcc && !Array.isArray(parsed.bcc) ? parsed.bcc.value : []).map((a) => a.address)).toEqual(mail.bcc);
    expect(copy.toString().replace(/^Bcc:.*\r\n/m, '')).toBe(raw.toString());
    expect(copy.toString()).toMatch(/^Cc: ann@y\.test\r\nBcc: boss@x\.test, audit@x\.test\r\n/m);
  });
  it('folds a long Bcc list and leaves a message without Bcc as it is', async () => {
    const raw = await composeAnswer({ ...mail, bcc: [] });
    expect(withBccHeader(raw, [])).toBe(raw);
    const many = Array.from({ length: 8 }, (_, i) => `person-${i}@example.test`);
    const copy = withBccHeader(raw, many);
    const parsed = await simpleParser(copy);
    expect((parsed.bcc && !Array.isArray(parsed.bcc) ? parsed.bcc.value : []).map((a) => a.address)).toEqual(many);
    for (const line of copy.toString().split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });
});

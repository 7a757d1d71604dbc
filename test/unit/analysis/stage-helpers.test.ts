import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEmail } from '../../../src/adapters/mime/parse.js';
import { headerBlock } from '../../../src/roles/email-server/pipeline.js';
import { answerRecipient } from '../../../src/roles/email-server/auto-answer.js';
import { patternProblems } from '../../../src/web/routes/analysis.js';
import type { ParsedEmail } from '../../../src/core/email/types.js';

/** Helpers of the analysis stage: the header block used for size-limit notices, the answer recipient, pattern validation for the API. */
describe('headerBlock (size-limit notices read only the headers)', () => {
  it('keeps every header and drops the body, whatever the body', async () => {
    await fc.assert(fc.asyncProperty(
      fc.stringMatching(/^[A-Za-z0-9 ]{0,40}$/), fc.string({ maxLength: 2000 }), fc.boolean(),
      async (subject, body, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const raw = Buffer.from(['From: Kim <kim@example.org>', `Subject: ${subject}`, 'Auto-Submitted: no', 'Message-ID: <p@example.org>', '', body].join(eol));
        const head = headerBlock(raw);
        expect(head.length).toBeLessThanOrEqual(raw.length + 4);
        const parsed = await parseEmail(head);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.email.subject).toBe(subject.trim());
        expect(parsed.email.headers['auto-submitted']).toEqual(['no']);
        expect(parsed.email.text.trim()).toBe('');
      },
    ), { numRuns: 50 });
  });

  it('caps the header block at 256 KB', () => {
    const raw = Buffer.concat([Buffer.from('X-Long: '), Buffer.alloc(400_000, 'a')]);
    expect(headerBlock(raw).length).toBe(256 * 1024 + 4);
  });
});

describe('answerRecipient', () => {
  const base = { from: null, replyTo: [] } as unknown as ParsedEmail;
  it.each([
    [{ from: { address: 'a@x.org', name: '' }, replyTo: [] }, 'a@x.org'],
    [{ from: { address: 'a@x.org', name: '' }, replyTo: [{ address: 'r@x.org', name: '' }] }, 'r@x.org'],
    [{ from: null, replyTo: [] }, null],
  ])('%j → %s', (email, expected) => {
    expect(answerRecipient({ ...base, ...email } as ParsedEmail)).toBe(expected);
  });
});

describe('patternProblems (API validation lists every problem)', () => {
  it.each([
    [{ kind: 'sequence', name: 'ok', key: 'pn', parts: [{ kind: 'digit', min: 1, max: 3, save: true }] }, 0],
    [{ kind: 'sequence', name: 'reserved', key: 'language', parts: [{ kind: 'digit', min: 1, max: 3, save: true }] }, 1],
    [{ kind: 'sequence', name: 'stray literal', key: 'k', parts: [{ kind: 'digit', literal: '-', min: 1, max: 1, save: true }] }, 1],
    [{ kind: 'regex', name: 'empty', key: 'k', regex: '' }, 1],
  ] as const)('%j has %i problem(s)', (spec, count) => {
    expect(patternProblems(spec as never)).toHaveLength(count);
  });

  it('reports several problems at once', () => {
    expect(patternProblems({ kind: 'sequence', name: '', key: '1bad', parts: [{ kind: 'digit', min: 5, max: 2, save: false }] }).length).toBeGreaterThanOrEqual(3);
  });
});

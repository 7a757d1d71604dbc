import type { ParsedEmail } from '../../../src/core/email/types.js';

/** A plain customer mail; override what a test needs. Header names are lower-case. */
export function makeEmail(overrides: Partial<ParsedEmail> = {}, headers: Record<string, string | string[]> = {}): ParsedEmail {
  const base: ParsedEmail = {
    messageId: '<abc123@customer.example>',
    from: { address: 'anna@customer.example', name: 'Anna Andersson' },
    to: [{ address: 'support@company.example', name: '' }],
    cc: [],
    replyTo: [],
    subject: 'Help with my invoice',
    date: 1_700_000_000_000,
    inReplyTo: null,
    references: [],
    text: 'Hello, I cannot find my invoice for October. Could you send it again?\nRegards, Anna',
    html: null,
    attachments: [],
    headers: {},
    contentType: 'text/plain',
    size: 500,
  };
  const h: Record<string, string[]> = { ...base.headers, ...(overrides.headers ?? {}) };
  for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = Array.isArray(v) ? v : [v];
  return { ...base, ...overrides, headers: h };
}

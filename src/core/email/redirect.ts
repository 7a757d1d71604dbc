/**
 * Redirect (RFC 5322 §3.6.6 "resent" fields): the original message, unchanged, with a
 * block of Resent-* fields and our contact header prepended. From, Reply-To and
 * Message-ID stay the customer's, so the agent's mail client shows the original sender.
 */
export const CONTACT_HEADER = 'X-Switchyard-Contact-Id';

export interface RedirectInput {
  raw: Buffer;
  contactId: string;
  resentFrom: string;
  resentTo: string;
  resentMessageId: string;
  date: Date;
}

const fold = (name: string, value: string) => `${name}: ${value.replace(/[\r\n]+/g, ' ')}`;

export function composeRedirect(input: RedirectInput): Buffer {
  const head = input.raw.subarray(0, Math.min(input.raw.length, 4096)).toString('latin1');
  const eol = head.includes('\r\n') ? '\r\n' : '\n';
  const lines = [
    fold('Resent-From', `<${input.resentFrom}>`),
    fold('Resent-To', `<${input.resentTo}>`),
    fold('Resent-Date', input.date.toUTCString().replace('GMT', '+0000')),
    fold('Resent-Message-ID', input.resentMessageId),
    fold(CONTACT_HEADER, input.contactId),
  ];
  return Buffer.concat([Buffer.from(lines.join(eol) + eol, 'latin1'), input.raw]);
}

/** Classifies an SMTP send failure: permanent (5xx, bad recipients) or temporary (4xx, network). */
export function classifySmtpFailure(err: { responseCode?: number; code?: string; message?: string }): 'permanent' | 'temporary' {
  if (typeof err.responseCode === 'number') return err.responseCode >= 500 && err.responseCode < 600 ? 'permanent' : 'temporary';
  if (err.code === 'EENVELOPE' || err.code === 'EMESSAGE') return 'permanent';
  return 'temporary';
}

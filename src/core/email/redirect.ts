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
  /**
   * The case tag, e.g. `[#123]`, put in front of the Subject unless it is already there, so the
   * agent's own mail program carries it into the reply (and the customer's answer threads).
   */
  subjectTag?: string;
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
  const body = input.subjectTag ? tagSubject(input.raw, input.subjectTag, eol) : input.raw;
  return Buffer.concat([Buffer.from(lines.join(eol) + eol, 'latin1'), body]);
}

/** Puts the tag at the start of the (first) Subject header, byte for byte otherwise; adds a Subject when there is none. */
export function tagSubject(raw: Buffer, tag: string, eol = '\r\n'): Buffer {
  const text = raw.toString('latin1');
  const blank = /\r?\n\r?\n/.exec(text);
  const headEnd = blank ? blank.index : text.length;
  const head = text.slice(0, headEnd);
  const m = /(^|\n)(subject:[ \t]*)/i.exec(head);
  if (!m) return Buffer.from(`Subject: ${tag}${eol}${text}`, 'latin1');
  const valueStart = m.index + m[1].length + m[2].length;
  // The value runs to the end of the header, including folded continuation lines.
  const rest = head.slice(valueStart);
  const end = /\r?\n(?![ \t])/.exec(rest);
  const value = end ? rest.slice(0, end.index) : rest;
  if (value.includes(tag)) return raw;
  return Buffer.from(text.slice(0, valueStart) + `${tag} ` + text.slice(valueStart), 'latin1');
}

/** Classifies an SMTP send failure: permanent (5xx, bad recipients) or temporary (4xx, network). */
export function classifySmtpFailure(err: { responseCode?: number; code?: string; message?: string }): 'permanent' | 'temporary' {
  if (typeof err.responseCode === 'number') return err.responseCode >= 500 && err.responseCode < 600 ? 'permanent' : 'temporary';
  if (err.code === 'EENVELOPE' || err.code === 'EMESSAGE') return 'permanent';
  return 'temporary';
}

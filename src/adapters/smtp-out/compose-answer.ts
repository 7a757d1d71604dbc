import MailComposer from 'nodemailer/lib/mail-composer';

/**
 * An agent's answer as MIME, with nodemailer's MailComposer: multipart/alternative text and
 * HTML, inline cid: parts (related) and attachments, our Message-ID, In-Reply-To and
 * References. Bcc stays out of the headers (it is only in the envelope).
 */
export interface AnswerAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** Content-ID without brackets, for inline (cid:) parts. */
  cid?: string | null;
  inline?: boolean;
}

export interface AnswerMail {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html: string;
  text: string;
  messageId: string;
  date: Date;
  inReplyTo: string | null;
  references: string[];
  attachments: AnswerAttachment[];
}

export async function composeAnswer(m: AnswerMail): Promise<Buffer> {
  const composer = new MailComposer({
    from: m.from, to: m.to, ...(m.cc.length ? { cc: m.cc } : {}), ...(m.bcc.length ? { bcc: m.bcc } : {}),
    subject: m.subject, html: m.html, text: m.text, date: m.date, messageId: m.messageId,
    ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}), ...(m.references.length ? { references: m.references } : {}),
    attachments: m.attachments.map((a) => ({
      filename: a.filename, contentType: a.contentType, content: a.content,
      ...(a.cid ? { cid: a.cid } : {}), contentDisposition: a.inline && a.cid ? 'inline' as const : 'attachment' as const,
    })),
    disableFileAccess: true, disableUrlAccess: true, newline: '\r\n',
  });
  return composer.compile().build();
}

/**
 * The Sent-folder copy of a sent answer: the same message with a Bcc header, so the sender's
 * copy shows who got a blind copy (as a mail program's own Sent copy does). The header is added
 * to the header block only; the body and every other header stay byte for byte.
 */
export function withBccHeader(raw: Buffer, bcc: string[]): Buffer {
  if (bcc.length === 0) return raw;
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) return raw;
  const head = text.slice(0, end);
  if (/^bcc:/im.test(head)) return raw;
  const lines: string[] = [];
  let line = 'Bcc:';
  for (const [i, a] of bcc.map((x) => x.replace(/[\r\n]/g, '')).entries()) {
    const part = ` ${a}${i < bcc.length - 1 ? ',' : ''}`;
    if (line.length + part.length > 76 && line !== 'Bcc:') { lines.push(line); line = ''; }
    line += part;
  }
  lines.push(line);
  const header = Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
  // After the Cc (or To) header when there is one, else first.
  const anchor = /^(cc|to):.*(?:\r?\n[ \t].*)*\r?\n/gim;
  let at = 0;
  for (let m = anchor.exec(head + '\r\n'); m; m = anchor.exec(head + '\r\n')) at = Math.max(at, m.index + m[0].length);
  const pos = Buffer.byteLength(text.slice(0, at), 'latin1');
  return Buffer.concat([raw.subarray(0, pos), header, raw.subarray(pos)]);
}

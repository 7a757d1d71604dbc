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

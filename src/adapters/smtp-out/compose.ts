import nodemailer from 'nodemailer';

/** Wraps nodemailer's MIME composer: a plain-text message with our headers, as raw bytes for the outbox. */
export interface ComposeInput {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  date: Date;
  inReplyTo: string | null;
  references: string[];
  /** Further headers in order (Auto-Submitted, our loop marker, …). */
  headers: Array<{ name: string; value: string }>;
}

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });

const STANDARD = new Set(['message-id', 'in-reply-to', 'references']);

export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  const info = await composer.sendMail({
    from: input.from, to: input.to, subject: input.subject, text: input.text, date: input.date,
    messageId: input.messageId,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    ...(input.references.length ? { references: input.references } : {}),
    headers: input.headers.filter((h) => !STANDARD.has(h.name.toLowerCase())).map((h) => ({ key: h.name, value: h.value.replace(/[\r\n]+/g, ' ') })),
    disableFileAccess: true, disableUrlAccess: true,
  });
  return info.message as Buffer;
}

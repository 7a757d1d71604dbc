/**
 * The contact data that the email server extracts from one inbound message.
 * Plain data: produced by the MIME adapter, consumed by the pure analysis core
 * and by storage. Addresses are lower-cased; names are kept as written.
 */
export interface EmailAddress {
  address: string;
  name: string;
}

export interface AttachmentInfo {
  /** Position among the message's attachments, used for downloads. */
  index: number;
  filename: string;
  contentType: string;
  size: number;
  /** Content-ID for inline parts (cid: references in HTML). */
  contentId: string | null;
  inline: boolean;
}

export interface ParsedEmail {
  messageId: string | null;
  from: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  replyTo: EmailAddress[];
  subject: string;
  /** Date header in epoch ms, or null when missing or unparseable. */
  date: number | null;
  inReplyTo: string | null;
  references: string[];
  text: string;
  /** Raw HTML as sent: hostile. Sanitize before showing it (adapters/html). */
  html: string | null;
  attachments: AttachmentInfo[];
  /**
   * Every header, lower-cased names, values as raw strings (several values for
   * repeated headers). Analysis (auto-generated detection, loop protection)
   * reads these.
   */
  headers: Record<string, string[]>;
  /** multipart/report; report-type=delivery-status and similar. */
  contentType: string;
  /** Size in bytes of the raw message. */
  size: number;
}

/**
 * Delivery status notifications (RFC 3464) and their human-readable cousins:
 * which recipients failed, and whether the failure is permanent. Pure text
 * parsing; never throws.
 */

export interface DsnRecipient {
  recipient: string;
  /** failed | delayed | delivered | relayed | expanded (lower-case), or null. */
  action: string | null;
  /** Enhanced status code such as 5.1.1, or null. */
  status: string | null;
}

const ADDRESS = /[^\s<>()"',;:@]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?/;

function cleanAddress(value: string): string | null {
  const m = ADDRESS.exec(value);
  return m ? m[0].toLowerCase().replace(/\.$/, '') : null;
}

/**
 * Per-recipient fields of a message/delivery-status body (or of a text that
 * contains one, as mailparser inlines it into the text part). Each
 * Final-Recipient starts a recipient; Action and Status attach to it.
 */
export function parseDeliveryStatus(text: string): DsnRecipient[] {
  const out: DsnRecipient[] = [];
  let current: DsnRecipient | null = null;
  let original: string | null = null;
  for (const rawLine of text.slice(0, 200_000).split(/\r\n|\r|\n/)) {
    const m = /^\s*(final-recipient|original-recipient|action|status)\s*:\s*(.*)$/i.exec(rawLine);
    if (!m) continue;
    const field = m[1].toLowerCase();
    const value = m[2].trim();
    if (field === 'original-recipient') {
      original = cleanAddress(value.replace(/^[a-z0-9-]+\s*;/i, ''));
    } else if (field === 'final-recipient') {
      const addr = cleanAddress(value.replace(/^[a-z0-9-]+\s*;/i, '')) ?? original;
      original = null;
      if (addr) { current = { recipient: addr, action: null, status: null }; out.push(current); }
      else current = null;
    } else if (current && field === 'action' && current.action === null) {
      current.action = value.split(/[\s(;]/)[0].toLowerCase() || null;
    } else if (current && field === 'status' && current.status === null) {
      const s = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(value);
      current.status = s ? `${s[1]}.${s[2]}.${s[3]}` : null;
    }
  }
  return out;
}

/** Whether a DSN recipient failed: Action failed, or no Action and a 5.x.x / 4.x.x status. */
export function isFailed(r: DsnRecipient): boolean {
  if (r.action) return r.action === 'failed';
  return r.status !== null && (r.status.startsWith('5.') || r.status.startsWith('4.'));
}

/** Addresses from X-Failed-Recipients header values (comma separated). */
export function failedRecipientsHeader(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values) for (const part of v.split(/[,;\s]+/)) {
    const a = cleanAddress(part);
    if (a && !out.includes(a)) out.push(a);
  }
  return out;
}

/** Where the copy of the original message starts in common bounce texts. */
const ORIGINAL_MARKERS = [
  /^-+\s*original message\s*-+/im,
  /^-+\s*(this is a copy of|below this line is a copy of|the original message|returned message|unsent message below|original message follows)/im,
  /^-+\s*(the )?(header|headers) of (the )?(original|returned) message/im,
  /^(return-path|received|dkim-signature|message-id|from|to|subject|date)\s*:/im,
  /^reporting-mta\s*:/im,
];

/**
 * Recipients named in the human-readable part of a bounce (Gmail "failed
 * permanently:", Exim "address(es) failed:", Postfix "<addr>: host ... said",
 * qmail "<addr>:", Sendmail "had permanent fatal errors"). Only lines that
 * start with an address are taken, and only before the copy of the original.
 */
export function recipientsFromBounceText(text: string): string[] {
  let head = text.slice(0, 8000);
  let cut = head.length;
  for (const re of ORIGINAL_MARKERS) {
    const m = re.exec(head);
    if (m && m.index > 0 && m.index < cut) cut = m.index;
  }
  head = head.slice(0, cut);
  const out: string[] = [];
  for (const line of head.split(/\r\n|\r|\n/)) {
    const m = /^\s*<?([^\s<>()"',;:@]+@[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9])>?\s*(?::|\.\.\.|\(|,|$|\s+(?:host|SMTP error|said|on behalf|unknown|user|mailbox))/i.exec(line);
    if (!m) continue;
    const a = m[1].toLowerCase();
    if (!out.includes(a)) out.push(a);
  }
  return out;
}

/** Permanent (true), temporary (false) or unknown (undefined) from status codes and wording. */
export function permanence(recipients: DsnRecipient[], subject: string, text: string): boolean | undefined {
  const failed = recipients.filter(isFailed);
  if (failed.some((r) => r.status?.startsWith('5.'))) return true;
  if (failed.length > 0 && failed.every((r) => r.status?.startsWith('4.'))) return false;
  if (recipients.length > 0 && recipients.every((r) => r.action === 'delayed')) return false;
  if (/\b(delay(ed)?|warning)\b/i.test(subject)) return false;
  const head = text.slice(0, 4000);
  if (/\b(permanent(ly)?|fatal)\b/i.test(head) || /\b5\.\d{1,3}\.\d{1,3}\b/.test(head) || /\b55\d[ -]/.test(head)) return true;
  if (/\b(temporar(y|ily)|will (continue|retry|keep) trying|still trying|delayed)\b/i.test(head) || /\b4\.\d{1,3}\.\d{1,3}\b/.test(head)) return false;
  return undefined;
}

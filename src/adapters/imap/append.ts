import { ImapFlow } from 'imapflow';

/**
 * Appends a copy of a sent answer to the account's Sent folder: the configured folder, else the
 * mailbox with the special-use flag \Sent (RFC 6154). Idempotent: when a message with the same
 * Message-ID is already there (an earlier attempt appended it, then failed), nothing is added.
 */
export interface AppendSentInput {
  host: string;
  port: number;
  security: 'none' | 'starttls' | 'tls';
  username: string;
  password: string;
  /** Configured folder, or null for the special-use \Sent mailbox. */
  folder: string | null;
  raw: Buffer;
  messageId: string;
  connectionTimeoutMs?: number;
}

export class SentFolderError extends Error {
  constructor(readonly code: 'imap.sent_folder_missing', message: string) { super(`${code}: ${message}`); }
}

const quiet = () => undefined;

export async function appendToSent(input: AppendSentInput): Promise<{ folder: string; appended: boolean }> {
  const client = new ImapFlow({
    host: input.host, port: input.port, secure: input.security === 'tls', doSTARTTLS: input.security === 'starttls',
    auth: { user: input.username, pass: input.password },
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    connectionTimeout: input.connectionTimeoutMs ?? 30_000, greetingTimeout: 16_000,
  });
  client.on('error', quiet);
  await client.connect();
  try {
    let folder = input.folder;
    if (!folder) {
      const boxes = await client.list();
      folder = boxes.find((b) => b.specialUse === '\\Sent')?.path ?? null;
      if (!folder) throw new SentFolderError('imap.sent_folder_missing', 'the mailbox has no special-use \\Sent folder; set the account\'s sentFolder');
    }
    const lock = await client.getMailboxLock(folder);
    try {
      const id = input.messageId.replace(/^<|>$/g, '');
      const found = await client.search({ header: { 'message-id': id } }, { uid: true });
      if (Array.isArray(found) && found.length > 0) return { folder, appended: false };
    } finally { lock.release(); }
    await client.append(folder, input.raw, ['\\Seen']);
    return { folder, appended: true };
  } finally {
    await client.logout().catch(() => client.close());
  }
}

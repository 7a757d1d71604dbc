import { ImapFlow } from 'imapflow';
import { describeImapError, type Security } from './watcher.js';

/**
 * The account form's connection test: connect (TLS or STARTTLS as configured), authenticate,
 * list the folders with their special use, and count the messages in the chosen folder. Nothing
 * is changed on the server. A failure names the stage and quotes the server's own words.
 */
export interface ImapProbeInput {
  host: string;
  port: number;
  security: Security;
  username: string;
  password: string;
  mailbox: string;
  allowSelfSigned: boolean;
  timeoutMs?: number;
}

export type ProbeStage = 'connect' | 'tls' | 'authenticate' | 'list' | 'mailbox';

export interface ImapFolder { path: string; name: string; delimiter: string | null; specialUse: string | null; subscribed: boolean }

export type ImapProbeResult =
  | { ok: true; folders: ImapFolder[]; mailbox: { path: string; messages: number; unseen: number | null }; capabilities: string[] }
  | { ok: false; stage: ProbeStage; serverResponse: string; folders?: ImapFolder[] };

const TLS_ERROR = /certificate|self[- ]signed|SSL|TLS|ERR_SSL|EPROTO|wrong version number/i;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'NoConnection', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT']);

export function connectStage(err: unknown): ProbeStage {
  const e = err as { authenticationFailed?: boolean; code?: string; message?: string } | null;
  if (e?.authenticationFailed) return 'authenticate';
  if (TLS_ERROR.test(`${e?.code ?? ''} ${e?.message ?? ''}`)) return 'tls';
  if (e?.code && NETWORK_CODES.has(e.code)) return 'connect';
  return /auth|login|credentials/i.test(e?.message ?? '') ? 'authenticate' : 'connect';
}

export async function probeImap(input: ImapProbeInput): Promise<ImapProbeResult> {
  const timeout = input.timeoutMs ?? 15_000;
  const client = new ImapFlow({
    host: input.host, port: input.port, secure: input.security === 'tls', doSTARTTLS: input.security === 'starttls',
    ...(input.security === 'none' ? { doSTARTTLS: false } : {}),
    ...(input.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
    auth: { user: input.username, pass: input.password }, logger: false,
    connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout * 2,
  });
  let lastError: Error | null = null;
  client.on('error', (err: Error) => { lastError = err; });
  try {
    try {
      await client.connect();
    } catch (err) {
      const e = lastError && !(err as { authenticationFailed?: boolean }).authenticationFailed ? lastError : err;
      return { ok: false, stage: connectStage(err), serverResponse: describeImapError(e) };
    }
    let folders: ImapFolder[];
    try {
      const list = await client.list();
      folders = list.map((f) => ({ path: f.path, name: f.name, delimiter: f.delimiter ?? null, specialUse: f.specialUse ?? null, subscribed: f.subscribed ?? false }));
    } catch (err) {
      return { ok: false, stage: 'list', serverResponse: describeImapError(err) };
    }
    try {
      const status = await client.status(input.mailbox, { messages: true, unseen: true });
      if (!status) return { ok: false, stage: 'mailbox', serverResponse: `no status for '${input.mailbox}'`, folders };
      return {
        ok: true, folders, mailbox: { path: input.mailbox, messages: status.messages ?? 0, unseen: status.unseen ?? null },
        capabilities: [...client.capabilities.keys()].sort(),
      };
    } catch (err) {
      return { ok: false, stage: 'mailbox', serverResponse: describeImapError(err), folders };
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}

import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { SecretBox } from '../crypto/secrets.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../fs/private.js';

/** Wraps nodemailer. Sends a ready-made raw message with an explicit envelope. */
export interface SmtpServerConfig {
  id: string;
  host: string;
  port: number;
  security: 'none' | 'starttls' | 'tls';
  auth_user: string | null;
  auth_secret: string | null;
  auth_method: 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | null;
  /** Accept a self-signed TLS certificate (explicit opt-in). */
  allow_self_signed?: number;
}

/** nodemailer transport options for a configured server (delivery and the connection test share them). */
export function transportOptions(s: SmtpServerConfig, password: string | null) {
  return {
    host: s.host, port: s.port, secure: s.security === 'tls', requireTLS: s.security === 'starttls', ignoreTLS: s.security === 'none',
    connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000,
    ...(s.allow_self_signed === 1 ? { tls: { rejectUnauthorized: false } } : {}),
    ...(s.auth_user && password !== null ? { auth: { user: s.auth_user, pass: password, method: s.auth_method ?? undefined } } : {}),
  };
}

export interface Envelope { from: string; to: string[] }

export interface MailSender {
  /** `refused`: recipients the relay refused while it accepted the others (the mail has left for those). */
  send(server: SmtpServerConfig | null, envelope: Envelope, raw: Buffer, name: string): Promise<{ via: string; refused?: string[] }>;
  close(): void;
}

/** With no SMTP server configured, mail is written as .eml files (owner-only) under <dataDir>/outbox. */
export function createMailSender(secrets: SecretBox, dataDir: string): MailSender {
  const transports = new Map<string, Transporter>();
  const transportFor = (s: SmtpServerConfig): Transporter => {
    const key = `${s.id}:${s.host}:${s.port}:${s.security}:${s.auth_user ?? ''}:${s.allow_self_signed ?? 0}`;
    let t = transports.get(key);
    if (!t) {
      t = nodemailer.createTransport({ ...transportOptions(s, s.auth_secret ? secrets.open(s.auth_secret) : null), pool: true, maxConnections: 3 });
      transports.set(key, t);
    }
    return t;
  };
  const outboxDir = join(dataDir, 'outbox');
  return {
    async send(server, envelope, raw, name) {
      if (!server) {
        ensurePrivateDir(outboxDir);
        const file = join(outboxDir, `${name}.eml`);
        const header = `X-Switchyard-Envelope-From: ${envelope.from}\r\nX-Switchyard-Envelope-To: ${envelope.to.join(', ')}\r\n`;
        writeFileSync(`${file}.tmp`, Buffer.concat([Buffer.from(header), raw]), { mode: PRIVATE_FILE_MODE });
        renameSync(`${file}.tmp`, file);
        return { via: file, refused: [] };
      }
      const info = (await transportFor(server).sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw })) as
        { response?: string; rejected?: unknown[]; rejectedErrors?: { recipient?: string; response?: string }[] };
      const refused = (info.rejected ?? []).map((r) => {
        const address = String(r);
        const why = info.rejectedErrors?.find((e) => e.recipient === address)?.response;
        return why ? `${address} (${why})` : address;
      });
      return { via: `${server.host}:${server.port} ${String(info.response ?? '')}`.trim(), refused };
    },
    close() {
      for (const t of transports.values()) t.close();
      transports.clear();
    },
  };
}

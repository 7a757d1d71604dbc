import nodemailer from 'nodemailer';
import { transportOptions, type SmtpServerConfig } from './sender.js';

/**
 * The SMTP server form's connection test: connect, TLS (implicit or STARTTLS as configured),
 * authenticate, and quit without sending any mail (nodemailer's verify). A failure names the
 * stage and quotes the server's own words.
 */
export type SmtpProbeStage = 'connect' | 'tls' | 'authenticate' | 'greeting';

export type SmtpProbeResult = { ok: true; serverResponse: string } | { ok: false; stage: SmtpProbeStage; serverResponse: string };

export function smtpStage(err: { code?: string; message?: string; command?: string }): SmtpProbeStage {
  const text = `${err.code ?? ''} ${err.message ?? ''}`;
  if (err.code === 'EAUTH' || err.command === 'AUTH PLAIN' || err.command === 'AUTH LOGIN' || err.command === 'AUTH CRAM-MD5') return 'authenticate';
  if (err.code === 'ETLS' || /certificate|self[- ]signed|SSL|TLS|wrong version number/i.test(text)) return 'tls';
  if (err.code === 'EPROTOCOL' || err.command === 'CONN' && /greeting/i.test(text)) return 'greeting';
  return 'connect';
}

export async function probeSmtp(server: SmtpServerConfig, password: string | null, timeoutMs = 15_000): Promise<SmtpProbeResult> {
  const transport = nodemailer.createTransport({ ...transportOptions(server, password), connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  try {
    await transport.verify();
    return { ok: true, serverResponse: server.auth_user ? 'connected and authenticated; no mail sent' : 'connected; no mail sent' };
  } catch (err) {
    const e = err as { code?: string; message?: string; response?: string; command?: string };
    return { ok: false, stage: smtpStage(e), serverResponse: (e.response ?? e.message ?? String(err)).trim() };
  } finally {
    transport.close();
  }
}

import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../observability/logger.js';

/**
 * The smtp-server-specific half of an SMTP account: listen, accept RCPTs the caller approves,
 * read the message, and answer 250 only after `deliver` resolved (store before acknowledge).
 */

export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
/** RFC 5321 4.5.3.1.8: at least 100 must be accepted; more get 452 (the client sends them in another transaction). */
export const MAX_RECIPIENTS = 100;

export interface Envelope { mailFrom: string | null; rcptTo: string[]; remoteAddress: string; clientHostname: string }

export interface SmtpListenerOptions {
  host: string;
  port: number;
  /** Only 'none' is supported for now (loopback demo / MTA pipe): no AUTH, no STARTTLS. */
  security: 'none';
  /** True when the recipient belongs to this listener's account. */
  acceptsRecipient(address: string): boolean;
  /** Stores the raw message; must resolve only after the data is committed. */
  deliver(raw: Buffer, envelope: Envelope): Promise<void>;
  maxMessageBytes?: number;
  logger: Logger;
  /** Greeting name; defaults to the OS host name. */
  name?: string;
}

export interface SmtpListener {
  /** The bound port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

type SmtpReplyError = Error & { responseCode?: number };
const reply = (code: number, message: string): SmtpReplyError => Object.assign(new Error(message), { responseCode: code });

function traceHeaders(envelope: Envelope, name: string, now: Date): Buffer {
  const clean = (s: string) => s.replace(/[\r\n<>()]/g, '');
  const lines = [
    `Return-Path: <${clean(envelope.mailFrom ?? '')}>`,
    `Received: from ${clean(envelope.clientHostname || 'unknown')} (${clean(envelope.remoteAddress)})\r\n\tby ${clean(name)} (switchyard) with SMTP\r\n\tfor <${clean(envelope.rcptTo[0] ?? '')}>; ${now.toUTCString().replace('GMT', '+0000')}`,
  ];
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}

export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const limit = opts.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const log = opts.logger;
  const name = opts.name;
  const server = new SMTPServer({
    ...(name ? { name } : {}),
    banner: 'Switchyard',
    logger: false,
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: limit,
    closeTimeout: 5000,
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      if (!opts.acceptsRecipient(address.address)) return callback(reply(550, `5.1.1 <${address.address}>: recipient not accepted here`));
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(reply(452, `4.5.3 too many recipients (at most ${MAX_RECIPIENTS} per message)`));
      callback();
    },
    onData(stream, session, callback) {
      const parts: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) parts.push(chunk);
      });
      stream.on('error', (err: Error) => callback(reply(451, `4.3.0 could not read message: ${err.message}`)));
      stream.on('end', () => {
        if (stream.sizeExceeded || size > limit) {
          callback(reply(552, `5.3.4 message exceeds the size limit of ${limit} bytes`));
          return;
        }
        const envelope: Envelope = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          remoteAddress: session.remoteAddress,
          clientHostname: session.clientHostname,
        };
        const raw = Buffer.concat([traceHeaders(envelope, name ?? 'localhost', new Date()), ...parts]);
        opts.deliver(raw, envelope).then(
          () => callback(null, 'Message stored'),
          (err: unknown) => {
            log.error({ err }, 'storing an SMTP message failed');
            callback(reply(451, '4.3.0 temporary storage failure, try again later'));
          },
        );
      });
    },
  });
  server.on('error', (err: Error) => log.warn({ err }, 'smtp listener error'));

  await new Promise<void>((resolve, reject) => {
    const net = server.server;
    const onError = (err: Error) => { net.off('listening', onListening); reject(err); };
    const onListening = () => { net.off('error', onError); resolve(); };
    net.once('error', onError);
    net.once('listening', onListening);
    server.listen(opts.port, opts.host);
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import nodemailer from 'nodemailer';
import { DEMO } from './bootstrap.js';

const SAMPLES = [
  { from: '"Karin Lind" <karin.lind@example.org>', subject: 'My invoice is wrong', text: 'Hello,\n\nInvoice 2026-1142 charges me twice for October. Can you correct it?\n\nKarin' },
  { from: '"Omar Haddad" <omar@example.net>', subject: 'Cannot log in', text: 'Hi, since yesterday the password reset link says it has expired. Please help.\n\nOmar' },
  { from: '"Greta Nilsson" <greta@example.com>', subject: 'Delivery address change', text: 'Please send order 55871 to my new address: Storgatan 1, Uppsala.\n\nThanks, Greta', html: '<p>Please send order <b>55871</b> to my new address: Storgatan 1, Uppsala.</p><p>Thanks, Greta</p><img src="https://tracker.example.com/pixel.gif">' },
];

/** Sends a few sample customer emails to the demo entrance's SMTP listener. */
export async function demoSend(opts: { count: number; host: string; port: number }): Promise<void> {
  const transport = nodemailer.createTransport({ host: opts.host, port: opts.port, secure: false, ignoreTLS: true });
  try {
    for (let i = 0; i < opts.count; i++) {
      const s = SAMPLES[i % SAMPLES.length];
      const info = await transport.sendMail({ ...s, to: DEMO.account, subject: opts.count > SAMPLES.length ? `${s.subject} (#${i + 1})` : s.subject });
      console.log(`sent ${info.messageId}: ${s.subject}`);
    }
  } catch (err) {
    console.error(`demo-send: could not send to ${opts.host}:${opts.port}: ${(err as Error).message}. Is 'npm start' running?`);
    process.exitCode = 1;
  } finally {
    transport.close();
  }
}

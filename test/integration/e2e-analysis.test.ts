import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { freshMailbox, imapClient, MAIL, smtpTransport, waitFor } from '../support/mailstack.js';
import type { SwitchyardProcess } from '../support/process.js';
import { E2E_ADMIN_PASSWORD, startApp, type Json, type RunningApp } from '../support/app.js';

/**
 * End to end, as deployed (the built CLI, real Dovecot and Postfix, configured over REST):
 * 1. loop-safe: two entrances that both answer "always" and whose answers go to each
 *    other through Postfix; a customer mail starts the ping-pong; at most one automatic
 *    answer leaves each side.
 * 2. threading: a customer replies to our automatic answer (In-Reply-To = our Message-ID,
 *    subject with the case tag) and the reply lands on the same case as a follow-up.
 */

for (const dialect of BACKENDS) {
  describe(`end to end: automatic answers and threading (${dialect})`, () => {
    let tdb: TestDatabase;
    let app: SwitchyardProcess;
    let token: string;
    const boxA = freshMailbox('alpha');
    const boxB = freshMailbox('beta');
    const customer = freshMailbox('customer');

    let running: RunningApp;
    const ok = (method: string, path: string, body?: unknown) => running.call(method, path, token, body);
    const send = async (mail: Record<string, unknown>) => {
      const t = smtpTransport();
      try { await t.sendMail(mail); } finally { t.close(); }
    };
    const contactWith = (pred: (c: Json) => boolean, what: string) =>
      waitFor(async () => (await ok('GET', '/api/v1/contacts?limit=500')).contacts.find(pred), 30_000, what, 200);
    const autoAnswers = async () => (await ok('GET', '/api/v1/outbox')).outbox.filter((o: Json) => o.kind === 'auto_answer');

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      running = await startApp(tdb);
      app = running.process;
      token = await running.login('admin', E2E_ADMIN_PASSWORD);
      const smtp = await ok('POST', '/api/v1/smtp-servers', { name: 'postfix', host: MAIL.host, port: MAIL.smtpPort, security: 'none' });
      const template = await ok('POST', '/api/v1/answer-templates', { name: 'received', defaultLanguage: 'en', versions: {
        en: { subject: 'We received: {{originalSubject}}', body: 'Hello {{customerName}}, your case number is {{caseNumber}}.' },
      } });
      for (const box of [boxA, boxB]) {
        const account = await ok('POST', '/api/v1/accounts', {
          address: box.address, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: box.address, password: box.password,
          afterImport: 'seen', smtpServerId: smtp.id, returnAddress: box.address,
        });
        await ok('PUT', `/api/v1/entrances/${account.entranceId}/auto-answer`, { mode: 'always', templateId: template.id, quoting: 'after' });
        await waitFor(async () => ['idle', 'polling'].includes((await ok('GET', `/api/v1/accounts/${account.id}`)).health?.state), 30_000, 'account watching');
      }
    }, 120_000);
    afterEach(({ task }) => {
      if (task.result?.state === 'fail') console.error(`switchyard output (last 6000 characters):\n${app?.output().slice(-6000)}`);
    });
    afterAll(async () => {
      await app?.kill('SIGTERM');
      await tdb?.drop();
    });

    it('loop-safe: two always-answering entrances answering each other stop after at most one answer each', async () => {
      const subject = `Ping-pong ${dialect} ${Date.now()}`;
      // The "customer" is mailbox B itself (say, a forwarding rule gone wrong): A answers B, B must not answer A's answer.
      await send({ from: boxB.address, to: boxA.address, subject, text: 'Please help me with my account, it does not work at all.' });
      const first = await contactWith((c) => c.subject === subject, 'the customer mail on entrance A');
      await waitFor(async () => (await autoAnswers()).find((o: Json) => o.contactId === first.id && o.status === 'sent'), 30_000, 'A\'s automatic answer sent');
      // A's answer arrives at B (through Postfix and Dovecot) and becomes a contact there.
      const echo = await contactWith((c) => c.subject.includes(subject) && c.id !== first.id, 'A\'s answer arriving on entrance B');
      const echoDetail = await ok('GET', `/api/v1/contacts/${echo.id}`);
      expect(echoDetail.analysis.autoAnswer.sent).toBe(false);
      expect(echoDetail.analysis.autoAnswer.reasons).toEqual(expect.arrayContaining(['header.auto-submitted', 'header.own-loop-marker']));
      // Give any further wave time to happen, then count.
      await new Promise((r) => setTimeout(r, 4000));
      const answers = await autoAnswers();
      const fromA = answers.filter((o: Json) => o.envelopeFrom === boxA.address);
      const fromB = answers.filter((o: Json) => o.envelopeFrom === boxB.address);
      expect(fromA).toHaveLength(1);
      expect(fromB.length).toBeLessThanOrEqual(1);
      const all = (await ok('GET', '/api/v1/contacts?limit=500')).contacts.filter((c: Json) => c.subject.includes(subject));
      expect(all.length).toBeLessThanOrEqual(3);
    }, 90_000);

    it('threading: the customer\'s reply to our automatic answer joins the same case as a follow-up', async () => {
      const subject = `Order missing ${dialect} ${Date.now()}`;
      await send({ from: `"Carla Customer" <${customer.address}>`, to: boxA.address, subject, text: 'My order never arrived, can you please check what happened?' });
      const first = await contactWith((c) => c.subject === subject, 'the first customer mail');
      const firstDetail = await ok('GET', `/api/v1/contacts/${first.id}`);
      expect(firstDetail.caseNumber).toEqual(expect.any(Number));
      const client = imapClient(customer.address, customer.password);
      await client.connect();
      let answer: { messageId: string; subject: string };
      try {
        answer = await waitFor(async () => {
          const lock = await client.getMailboxLock('INBOX');
          try {
            await client.noop();
            for await (const m of client.fetch('1:*', { envelope: true, headers: ['auto-submitted', 'x-switchyard-loop'] })) {
              if (m.envelope?.subject?.includes(subject)) return { messageId: m.envelope.messageId!, subject: m.envelope.subject, headers: m.headers?.toString() ?? '' };
            }
          } finally { lock.release(); }
          return null;
        }, 30_000, 'the automatic answer in the customer\'s mailbox', 250);
      } finally { await client.logout(); }
      expect(answer.subject).toContain(`[#${firstDetail.caseNumber}]`);
      expect(answer.messageId).toMatch(/^<sy\./);
      await send({
        from: `"Carla Customer" <${customer.address}>`, to: boxA.address, subject: `Re: ${answer.subject}`, inReplyTo: answer.messageId, references: [answer.messageId],
        text: 'Thanks. Any news about my order? It still has not arrived.',
      });
      const reply = await contactWith((c) => c.subject === `Re: ${answer.subject}`, 'the customer\'s reply');
      const detail = await ok('GET', `/api/v1/contacts/${reply.id}`);
      expect(detail.caseId).toBe(firstDetail.caseId);
      expect(detail.caseNumber).toBe(firstDetail.caseNumber);
      expect(detail.contactData).toMatchObject({ followUp: true, caseId: firstDetail.caseId, caseNumber: firstDetail.caseNumber });
      expect(detail.analysis.thread).toMatchObject({ followUp: true, via: 'in-reply-to' });
      // the follow-up is rate-limited (one automatic answer per 10 minutes per recipient): no second answer
      expect(detail.analysis.autoAnswer).toMatchObject({ sent: false, reasons: ['rate.limited'] });
    }, 90_000);
  });
}

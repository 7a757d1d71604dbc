import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { freshMailbox, imapClient, MAIL, smtpTransport, waitFor } from '../support/mailstack.js';
import type { SwitchyardProcess } from '../support/process.js';
import { E2E_ADMIN_PASSWORD, startApp, type Json, type RunningApp } from '../support/app.js';

/**
 * End to end, as deployed: the built `switchyard start` process, configured through the
 * REST API; mail submitted to Postfix for the support mailbox in Dovecot becomes a queued
 * contact, is offered over the WebSocket, accepted, delivered (redirected to the
 * external-client agent's own Dovecot mailbox, or read through the API) and closed.
 */

for (const dialect of BACKENDS) {
  describe(`end to end through real mail (${dialect})`, () => {
    let tdb: TestDatabase;
    let app: SwitchyardProcess;
    let base: string;
    let adminToken: string;
    const sockets: WebSocket[] = [];
    const support = freshMailbox('support');
    const bobBox = freshMailbox('bob');

    let running: RunningApp;
    const api = (method: string, path: string, token: string | null, body?: unknown) => running.request(method, path, token, body);
    const ok = (method: string, path: string, token: string | null, body?: unknown) => running.call(method, path, token, body);
    const login = (username: string, password: string) => running.login(username, password);
    function events(token: string): { next(type: string, pred?: (e: Json) => boolean): Promise<Json> } {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/events?token=${encodeURIComponent(token)}`);
      sockets.push(ws);
      const seen: Json[] = [];
      const waiters: { type: string; pred: (e: Json) => boolean; resolve: (e: Json) => void }[] = [];
      ws.on('message', (data) => {
        const e = JSON.parse(String(data)) as Json;
        const i = waiters.findIndex((w) => w.type === e.type && w.pred(e));
        if (i >= 0) waiters.splice(i, 1)[0].resolve(e); else seen.push(e);
      });
      return {
        next(type, pred = () => true) {
          const i = seen.findIndex((e) => e.type === type && pred(e));
          if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0]);
          return new Promise((resolve, reject) => {
            waiters.push({ type, pred, resolve });
            setTimeout(() => reject(new Error(`no ${type} event within 30 s; saw ${JSON.stringify(seen.map((s) => s.type))}`)), 30_000);
          });
        },
      };
    }

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      running = await startApp(tdb);
      base = running.base;
      app = running.process;
      adminToken = await login('admin', E2E_ADMIN_PASSWORD);
      const smtp = await ok('POST', '/api/v1/smtp-servers', adminToken, { name: 'postfix', host: MAIL.host, port: MAIL.smtpPort, security: 'none' });
      const account = await ok('POST', '/api/v1/accounts', adminToken, {
        address: support.address, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: support.address, password: support.password,
        afterImport: 'seen', smtpServerId: smtp.id, returnAddress: support.address,
      });
      expect(account.entranceId).toEqual(expect.any(String));
      await ok('POST', '/api/v1/users', adminToken, { username: 'bob', displayName: 'Bob Berg', password: 'bob-password-1', role: 'agent', email: bobBox.address });
      await ok('POST', '/api/v1/users', adminToken, { username: 'alice', displayName: 'Alice Andersson', password: 'alice-password-1', role: 'agent' });
      await waitFor(async () => ['idle', 'polling'].includes((await ok('GET', `/api/v1/accounts/${account.id}`, adminToken)).health?.state), 30_000, 'account watching');
    }, 120_000);
    afterEach(({ task }) => {
      if (task.result?.state === 'fail') console.error(`switchyard output (last 6000 characters):\n${app?.output().slice(-6000)}`);
    });
    afterAll(async () => {
      for (const ws of sockets) ws.close();
      await app?.kill('SIGTERM');
      await tdb?.drop();
    });

    async function sendCustomerMail(subject: string, html?: string): Promise<Json> {
      const transport = smtpTransport();
      try {
        await transport.sendMail({ from: '"Customer" <customer@example.org>', to: support.address, subject, text: `Text of ${subject}`, ...(html ? { html } : {}), attachments: [{ filename: 'note.txt', content: 'attached words' }] });
      } finally { transport.close(); }
      return waitFor(async () => (await ok('GET', '/api/v1/contacts?status=queued', adminToken)).contacts.find((c: Json) => c.subject === subject), 30_000, `queued contact "${subject}"`, 200);
    }

    it('external-client agent: queued → offered over the WebSocket → accepted → redirected into the agent\'s own mailbox → closed', async () => {
      const contact = await sendCustomerMail(`E2E redirect ${dialect}`);
      const token = await login('bob', 'bob-password-1');
      const ev = events(token);
      await new Promise((r) => setTimeout(r, 200));
      await ok('PUT', '/api/v1/agents/me/state', token, { state: 'ready' });
      const offered = await ev.next('offer.created', (e) => e.offer?.contactId === contact.id);
      expect(offered.offer).toMatchObject({ id: expect.any(String), contactId: contact.id, expiresAt: expect.any(String) });
      await ok('POST', `/api/v1/offers/${encodeURIComponent(offered.offer.id)}/accept`, token);
      const client = imapClient(bobBox.address, bobBox.password);
      await client.connect();
      try {
        const source = await waitFor(async () => {
          const lock = await client.getMailboxLock('INBOX');
            await client.noop(); // see mail delivered since the mailbox was selected
          try { for await (const m of client.fetch('1:*', { source: true })) if (m.source?.toString().includes(contact.id)) return m.source.toString(); } finally { lock.release(); }
          return null;
        }, 30_000, 'redirected copy', 250);
        expect(source).toMatch(/^From: "?Customer"? <customer@example.org>/m);
        // The case tag rides in the subject so that the agent's reply (from their own client) threads back.
        expect(source).toMatch(new RegExp(`^Subject: \\[#\\d+\\] E2E redirect ${dialect}`, 'm'));
        expect(source).toMatch(/^Resent-To: /m);
      } finally { await client.logout(); }
      await ok('POST', `/api/v1/contacts/${contact.id}/close`, token);
      expect((await ok('GET', `/api/v1/contacts/${contact.id}`, adminToken)).status).toBe('closed');
      await ok('PUT', '/api/v1/agents/me/state', token, { state: 'paused' });
    });

    it('built-in agent: offered, accepted, read through the API with sanitized HTML and the attachment, closed', async () => {
      const contact = await sendCustomerMail(`E2E built-in ${dialect}`, '<p>Hello <b>there</b></p><img src="https://tracker.example.com/p.gif"><script>alert(1)</script>');
      const token = await login('alice', 'alice-password-1');
      const ev = events(token);
      await new Promise((r) => setTimeout(r, 200));
      await ok('PUT', '/api/v1/agents/me/state', token, { state: 'ready' });
      const offered = await ev.next('offer.created', (e) => e.offer?.contactId === contact.id);
      // before accepting, another agent cannot read it
      await ok('POST', `/api/v1/offers/${encodeURIComponent(offered.offer.id)}/accept`, token);
      const detail = await ok('GET', `/api/v1/contacts/${contact.id}`, token);
      expect(detail).toMatchObject({ status: 'assigned', subject: `E2E built-in ${dialect}`, from: { address: 'customer@example.org' } });
      expect(detail.text).toContain(`Text of E2E built-in ${dialect}`);
      expect(detail.html).toContain('<b>there</b>');
      expect(detail.html).not.toContain('<script');
      expect(detail.html).not.toMatch(/\ssrc=["']?https:\/\/tracker/);
      expect(detail.html).toContain('data-blocked-src');
      expect(detail.remoteContentBlocked).toBe(1);
      expect(detail.attachments).toEqual([expect.objectContaining({ filename: 'note.txt' })]);
      const file = await fetch(base + detail.attachments[0].url, { headers: { authorization: `Bearer ${token}` } });
      expect(file.status).toBe(200);
      expect(await file.text()).toBe('attached words');
      const bob = await login('bob', 'bob-password-1');
      expect((await api('GET', `/api/v1/contacts/${contact.id}`, bob)).status).toBeGreaterThanOrEqual(403);
      await ok('POST', `/api/v1/contacts/${contact.id}/close`, token);
      expect((await ok('GET', `/api/v1/contacts/${contact.id}`, token)).status).toBe('closed');
    });
  });
}

import { createServer } from 'node:net';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StopRole } from '../../src/app/deps.js';
import { startSmtpListener } from '../../src/adapters/smtp-in/listener.js';
import { startAccountServer } from '../../src/roles/account-server/index.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import type { AccountRow } from '../../src/storage/schema.js';
import { makeDeps } from '../support/deps.js';
import { waitFor } from '../support/mailstack.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';

/* SMTP accounts: a listener that stores before it acknowledges, on SQLite and PostgreSQL. */

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const transport = (port: number) => nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
const logger = { child: () => logger, debug() {}, info() {}, warn() {}, error() {} } as never;

for (const dialect of BACKENDS) {
  describe(`account server: SMTP (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let stop: StopRole | null = null;
    let account: AccountRow;
    let port: number;

    const rows = () => deps.storage.db.selectFrom('inbound_messages').innerJoin('inbound_raw', 'inbound_raw.inbound_message_id', 'inbound_messages.id')
      .select(['id', 'inbound_raw.raw', 'uid', 'uidvalidity', 'source_action']).where('account_id', '=', account.id).orderBy('id').execute();

    beforeEach(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      port = await freePort();
      const r = await createAccount(deps.storage.db, {
        address: 'Support@Example.test', protocol: 'smtp', host: '127.0.0.1', port, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 60, smtpServerId: null, returnAddress: null,
        alternativeAddresses: ['help@example.test'], enabled: true,
      }, Date.now());
      if (!r.ok) throw new Error(r.message);
      account = r.account;
      stop = await startAccountServer(deps, { reconcileIntervalMs: 200 });
      await waitFor(async () => (await deps.storage.db.selectFrom('accounts').select('health_state').where('id', '=', account.id).executeTakeFirst())?.health_state === 'listening', 10_000, 'listening');
    });
    afterEach(async () => {
      await stop?.();
      await deps.close();
      await tdb.drop();
    });

    it('stores the message before it answers 250, for the address, alternatives and +tags', async () => {
      let woken = 0;
      deps.bus.subscribe('inbound', () => { woken++; });
      const smtp = transport(port);
      const to = ['support@example.test', 'SUPPORT+billing@example.test', 'help@example.test'];
      for (const [i, rcpt] of to.entries()) {
        const info = await smtp.sendMail({ from: 'customer@example.net', to: rcpt, subject: `hello ${i}`, text: 'body' });
        expect(info.response).toMatch(/^250 /);
        // Acknowledged means committed: the row is there the moment 250 arrives.
        expect(await rows()).toHaveLength(i + 1);
      }
      const stored = await rows();
      expect(stored.every((r) => r.uid === null && r.uidvalidity === null && r.source_action === 'none')).toBe(true);
      const raw = stored[0].raw.toString();
      expect(raw).toMatch(/^Return-Path: <customer@example\.net>\r\nReceived: from /);
      expect(raw).toContain('Subject: hello 0');
      await waitFor(async () => woken >= 3, 5000, 'inbound bus messages');
      smtp.close();
    });

    it('rejects unknown recipients with 550 and stores nothing', async () => {
      const smtp = transport(port);
      const err = await smtp.sendMail({ from: 'customer@example.net', to: 'someone-else@example.test', subject: 'x', text: 'y' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as { rejectedErrors?: { responseCode?: number }[] }).rejectedErrors?.[0]?.responseCode).toBe(550);
      // Mixed envelope: the known recipient is accepted, the unknown one refused.
      const info = await smtp.sendMail({ from: 'customer@example.net', to: ['support@example.test', 'nobody@example.test'], subject: 'mixed', text: 'z' });
      expect(info.rejected).toEqual(['nobody@example.test']);
      expect(await rows()).toHaveLength(1);
      smtp.close();
    });

    it('replies 552 for messages over 25 MB', async () => {
      const smtp = transport(port);
      const big = 'x'.repeat(76) + '\r\n';
      const err = await smtp.sendMail({ from: 'customer@example.net', to: 'support@example.test', subject: 'big', text: big.repeat(Math.ceil((26 * 1024 * 1024) / big.length)) }).catch((e: unknown) => e);
      expect((err as { responseCode?: number }).responseCode).toBe(552);
      expect(await rows()).toHaveLength(0);
      smtp.close();
    });

    it('replies 451 when storing fails, so the sender retries', async () => {
      const listener = await startSmtpListener({
        host: '127.0.0.1', port: 0, security: 'none', acceptsRecipient: () => true, logger,
        deliver: async () => { throw new Error('database is down'); },
      });
      try {
        const err = await transport(listener.port).sendMail({ from: 'a@example.net', to: 'b@example.test', subject: 's', text: 't' }).catch((e: unknown) => e);
        expect((err as { responseCode?: number }).responseCode).toBe(451);
      } finally {
        await listener.close();
      }
    });
  });
}

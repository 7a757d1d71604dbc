import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps, StopRole } from '../../src/app/deps.js';
import { startAccountServer } from '../../src/roles/account-server/index.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import { makeDeps } from '../support/deps.js';
import { MAIL, freshMailbox, smtpTransport, waitFor } from '../support/mailstack.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';

/**
 * One IMAP account is watched by one account server at a time (a lease per account): two
 * instances on one database, one holds the account and fetches; when it stops, the other takes
 * the account over and fetches what arrives next. Every message is stored once.
 */
for (const dialect of BACKENDS) {
  describe(`per-account lease (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    const stops = new Map<string, StopRole>();
    const box = freshMailbox('lease');
    let accountId: string;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      const r = await createAccount(deps.storage.db, {
        address: box.address, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: box.address, passwordSealed: deps.secrets.seal(box.password),
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 1, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!r.ok) throw new Error(r.message);
      accountId = r.account.id;
    });
    afterAll(async () => {
      for (const stop of stops.values()) await stop().catch(() => undefined);
      await deps?.close();
      await tdb?.drop();
    });

    const holder = async () => (await deps.storage.db.selectFrom('leases').select(['holder', 'expires_at']).where('name', '=', `account:${accountId}`).executeTakeFirst()) ?? null;
    const stored = async () => (await deps.storage.db.selectFrom('inbound_messages').select('id').where('account_id', '=', accountId).execute()).length;
    const send = (subject: string) => smtpTransport().sendMail({ from: 'customer@example.org', to: box.address, subject, text: 'lease test' });

    it('one instance fetches; the other takes over when it stops; nothing is stored twice', async () => {
      for (const name of ['server-a', 'server-b']) {
        const mine: Deps = { ...deps, config: { ...deps.config, instanceId: name } };
        stops.set(name, await startAccountServer(mine, { reconcileIntervalMs: 200, accountLeaseMs: 1500, backoff: { baseMs: 100, maxMs: 500 } }));
      }
      const first = (await waitFor(holder, 5000, 'a lease holder'))!.holder;
      expect(['server-a', 'server-b']).toContain(first);
      await send('first');
      await waitFor(async () => (await stored()) === 1, 15_000, 'the first message stored');
      expect((await holder())!.holder).toBe(first);

      await stops.get(first)!();
      stops.delete(first);
      const other = first === 'server-a' ? 'server-b' : 'server-a';
      await waitFor(async () => (await holder())?.holder === other, 5000, 'the other instance takes the account over');
      await send('second');
      await waitFor(async () => (await stored()) === 2, 15_000, 'the second message stored by the other instance');
      expect(await stored()).toBe(2);
    }, 60_000);
  });
}

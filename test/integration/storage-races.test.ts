import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { createUser } from '../../src/storage/repositories/users.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import type { Storage } from '../../src/storage/db.js';

/**
 * Several processes starting at once on an empty database seed the same rows: exactly one
 * wins, none crashes. PostgreSQL only: SQLite is one writer at a time (BEGIN IMMEDIATE with a
 * busy timeout serialises processes), and several connections inside ONE process cannot be
 * tested with its synchronous driver — a waiting connection would block the event loop that
 * the holder needs to finish.
 */
for (const dialect of BACKENDS.filter((d) => d === 'postgres')) {
  describe(`concurrent seeding (${dialect})`, () => {
    let tdb: TestDatabase;
    const stores: Storage[] = [];
    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      for (let i = 0; i < 3; i++) stores.push(await tdb.open()); // three "processes"
    });
    afterAll(async () => { for (const s of stores) await s.close(); await tdb?.drop(); });

    it('the same user created by three connections at once: one created, two told it exists', async () => {
      const results = await Promise.all(stores.map((s) => createUser(s.db, { username: 'admin', displayName: 'Admin', passwordHash: 'x', role: 'admin' }, Date.now())));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(['user.exists', 'user.exists']);
      const states = await stores[0].db.selectFrom('agent_states').select('user_id').execute();
      expect(states).toHaveLength(1);
    });

    it('the same account created by three connections at once: one account and one entrance', async () => {
      const input = {
        address: 'race@example.test', protocol: 'smtp' as const, host: '127.0.0.1', port: 0, security: 'none' as const, username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen' as const, moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      };
      const results = await Promise.all(stores.map((s) => createAccount(s.db, input, Date.now())));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(await stores[0].db.selectFrom('entrances').select('id').where('name', '=', 'race@example.test').execute()).toHaveLength(1);
    });
  });
}

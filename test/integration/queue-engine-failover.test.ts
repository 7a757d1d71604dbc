import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { seedUser } from '../support/api.js';
import { waitFor } from '../support/mailstack.js';
import { spawnSwitchyard, type SwitchyardProcess } from '../support/process.js';
import { currentLeader } from '../../src/roles/acd/leader.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';

/**
 * One active queue engine per PostgreSQL database: two `start --roles acd` processes, one holds
 * the lease, the other stands by. SIGKILL the leader: the other takes over within 10 s, and every
 * contact is offered exactly once (none lost, none offered twice). SQLite runs a single process.
 */
describe('queue engine leader election and failover (postgres)', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  const procs: Record<string, SwitchyardProcess> = {};
  let entranceId: string; let queueId: string;
  const agents: string[] = [];

  const addContact = async () => {
    const id = randomUUID();
    const now = Date.now();
    await deps.storage.db.insertInto('contacts').values({
      id, entrance_id: entranceId, queue_id: queueId, inbound_message_id: null, dedupe_key: `t:${id}`, status: 'queued', message_id: `<${id}@example.org>`,
      subject: 'failover', from_address: 'c@example.org', from_name: 'C', to_addresses: '[]', cc_addresses: '[]', reply_to: '[]', sent_date: now,
      in_reply_to: null, references_ids: '[]', text_body: 'x', html_body: null, attachments: '[]', contact_data: '{}', priority: 0, queued_at: now, agent_id: null,
      offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now,
    }).execute();
    return id;
  };
  const offersOf = async (ids: string[]) => deps.storage.db.selectFrom('offers').select(['contact_id', 'agent_id', 'status']).where('contact_id', 'in', ids).execute();

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    deps = await makeDeps(tdb);
    const acct = await createAccount(deps.storage.db, {
      address: 'failover@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
      mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
    }, Date.now());
    if (!acct.ok) throw new Error(acct.message);
    ({ entranceId, queueId } = acct);
    for (let i = 0; i < 6; i++) {
      const u = await seedUser(deps, { username: `agent${i}`, password: 'agent-password', role: 'agent', capacity: 5 });
      agents.push(u.id);
    }
    await deps.storage.db.updateTable('agent_states').set({ state: 'ready' }).where('user_id', 'in', agents.slice(0, 2)).execute();
    for (const name of ['engine-a', 'engine-b']) {
      procs[name] = spawnSwitchyard(['start', '--roles', 'acd'], { SWITCHYARD_DATA_DIR: tdb.dataDir, DATABASE_URL: tdb.databaseUrl!, SWITCHYARD_INSTANCE_ID: name, SWITCHYARD_OFFER_TIMEOUT_SECONDS: '300' });
    }
    await Promise.all(Object.values(procs).map((p) => p.started));
  }, 90_000);
  afterAll(async () => {
    for (const p of Object.values(procs)) await p.kill('SIGKILL');
    await deps?.close();
    await tdb?.drop();
  });

  it('one leader offers; after SIGKILL the standby takes over within 10 s; every contact offered exactly once', async () => {
    const leader = await waitFor(() => currentLeader(deps.storage.db, Date.now()), 10_000, 'a leader');
    expect(Object.keys(procs)).toContain(leader);
    const before = [await addContact(), await addContact()];
    await waitFor(async () => (await offersOf(before)).length === 2, 10_000, 'offers by the leader');

    await procs[leader].kill('SIGKILL');
    const killedAt = Date.now();
    const after = [await addContact(), await addContact(), await addContact()];
    await deps.storage.db.updateTable('agent_states').set({ state: 'ready' }).where('user_id', 'in', agents.slice(2)).execute();
    // the takeover deadline of the issue (lease 6 s + one 2 s sweep), not a performance figure
    await waitFor(async () => (await offersOf(after)).length === 3, 10_000 - (Date.now() - killedAt), 'offers after failover');
    const standby = Object.keys(procs).find((n) => n !== leader)!;
    expect(await currentLeader(deps.storage.db, Date.now())).toBe(standby);

    const all = await offersOf([...before, ...after]);
    const perContact = new Map<string, number>();
    for (const o of all) perContact.set(o.contact_id, (perContact.get(o.contact_id) ?? 0) + 1);
    expect([...perContact.values()]).toEqual([1, 1, 1, 1, 1]);
    const rows = await deps.storage.db.selectFrom('contacts').select(['id', 'status']).where('id', 'in', [...before, ...after]).execute();
    expect(rows.every((r) => r.status === 'offered')).toBe(true);
  }, 60_000);
});

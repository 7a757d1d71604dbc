import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { waitFor } from '../support/mailstack.js';
import { freePort, spawnSwitchyard, type SwitchyardProcess } from '../support/process.js';
import { currentLeader } from '../../src/roles/acd/leader.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import { storeInbound } from '../../src/storage/repositories/inbound.js';

/**
 * Configuration is cached in each process and dropped over the bus when it changes: a change made
 * through one process (the web role) is used by the next mail analysed and the next decision made
 * in another (the email server and the queue engine's leader, which both loaded the old one).
 */
describe('a config change through one process is used by the next decision in another (postgres)', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  const procs: SwitchyardProcess[] = [];
  let base: string;
  let accountId: string; let entranceQueue: string;
  let uid = 0;

  const mail = (subject: string) => Buffer.from([
    'From: Kim <kim@example.org>', 'To: support@example.test', `Subject: ${subject}`, `Message-ID: <cfg-${++uid}-${Date.now()}@example.org>`,
    'Date: Mon, 30 Nov 2026 09:00:00 +0000', 'Content-Type: text/plain; charset=utf-8', '', `${subject}: please see the attached invoice.`, '',
  ].join('\r\n'));
  const deliver = async (subject: string) => {
    const r = await storeInbound(deps.storage, { accountId, uidvalidity: 1, uid: uid + 1, raw: mail(subject), sourceAction: 'none' }, Date.now());
    await deps.bus.publish('inbound', { accountId });
    const row = await waitFor(async () => {
      const m = await deps.storage.db.selectFrom('inbound_messages').select('contact_id').where('id', '=', r.id!).executeTakeFirst();
      if (!m?.contact_id) return null;
      const c = await deps.storage.db.selectFrom('contacts').select(['queue_id', 'routing', 'contact_data']).where('id', '=', m.contact_id).executeTakeFirst();
      return c && c.routing === 'routed' ? c : null;
    }, 15_000, `contact for '${subject}' routed`);
    return { queueId: row.queue_id, data: JSON.parse(row.contact_data) as { categories?: string[] } };
  };

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    deps = await makeDeps(tdb);
    const acct = await createAccount(deps.storage.db, {
      address: 'support@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
      mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
    }, Date.now());
    if (!acct.ok) throw new Error(acct.message);
    accountId = acct.account.id;
    entranceQueue = acct.queueId;
    const env = { SWITCHYARD_DATA_DIR: tdb.dataDir, DATABASE_URL: tdb.databaseUrl!, SWITCHYARD_ADMIN_PASSWORD: 'config-admin-pw' };
    procs.push(spawnSwitchyard(['start', '--roles', 'acd,email-server'], { ...env, SWITCHYARD_INSTANCE_ID: 'engine' }));
    await procs[0].started;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    procs.push(spawnSwitchyard(['start', '--roles', 'web'], { ...env, SWITCHYARD_INSTANCE_ID: 'web', SWITCHYARD_HTTP_PORT: String(port) }));
    await procs[1].started;
  }, 90_000);
  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    await deps?.close();
    await tdb?.drop();
  });

  it('a new category and a new routing rule, made through the web process, apply to the very next mail', async () => {
    expect(await waitFor(() => currentLeader(deps.storage.db, Date.now()), 10_000, 'a leader')).toBe('engine');
    // The engine process loads both configurations with the first mail.
    const before = await deliver('VIP question');
    expect(before).toEqual({ queueId: entranceQueue, data: expect.objectContaining({ categories: [] }) });

    const call = async (method: string, path: string, token: string | null, body?: unknown) => {
      const r = await fetch(base + path, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const json = await r.json() as Record<string, any>;
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
      return json;
    };
    const { token } = await call('POST', '/api/v1/session', null, { username: 'admin', password: 'config-admin-pw' });
    await call('POST', '/api/v1/categories', token, { name: 'billing', keywords: ['invoice'] });
    const vip = await call('POST', '/api/v1/routing/queues', token, { name: 'VIP' });
    await call('PUT', '/api/v1/routing/areas/default/routing-rules', token, { rules: [{ criteria: [{ key: 'emailHdrSubject', op: 'contains', value: 'vip' }], destinations: [{ type: 'queue', queueId: vip.id }] }] });

    const after = await deliver('VIP question again');
    expect(after.data.categories).toEqual(['billing']);
    expect(after.queueId).toBe(vip.id);
  }, 60_000);
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { seedUser } from '../support/api.js';
import { waitFor } from '../support/mailstack.js';
import { freePort, spawnSwitchyard, type SwitchyardProcess } from '../support/process.js';
import { currentLeader } from '../../src/roles/acd/leader.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';

/**
 * Commands reach the queue engine's leader from another process (PostgreSQL: command table +
 * LISTEN/NOTIFY). A web process and two ACD processes; twelve agents work through forty contacts
 * (ready → accept → close) as fast as they can, and the leader is SIGKILLed in the middle of the
 * burst. Every command is answered, or refused with 503 acd.unavailable and answered on retry;
 * every contact is offered exactly once and closed: none lost, none offered twice.
 */
const AGENTS = 12;
const CONTACTS = 40;

describe('commands to the queue-engine leader survive its SIGKILL in a burst (postgres)', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  const procs: Record<string, SwitchyardProcess> = {};
  let base: string;
  const contactIds: string[] = [];

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    deps = await makeDeps(tdb);
    const acct = await createAccount(deps.storage.db, {
      address: 'burst@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
      mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
    }, Date.now());
    if (!acct.ok) throw new Error(acct.message);
    for (let i = 0; i < AGENTS; i++) await seedUser(deps, { username: `burst${i}`, password: 'burst-password', role: 'agent' });
    const now = Date.now();
    for (let i = 0; i < CONTACTS; i++) {
      const id = randomUUID();
      contactIds.push(id);
      await deps.storage.db.insertInto('contacts').values({
        id, entrance_id: acct.entranceId, queue_id: acct.queueId, inbound_message_id: null, dedupe_key: `b:${id}`, status: 'queued', message_id: `<${id}@example.org>`,
        subject: `burst ${i}`, from_address: 'c@example.org', from_name: 'C', to_addresses: '[]', cc_addresses: '[]', reply_to: '[]', sent_date: now,
        in_reply_to: null, references_ids: '[]', text_body: 'x', html_body: null, attachments: '[]', contact_data: '{}', priority: 0, queued_at: now + i, agent_id: null,
        offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now,
      }).execute();
    }
    const env = { SWITCHYARD_DATA_DIR: tdb.dataDir, DATABASE_URL: tdb.databaseUrl!, SWITCHYARD_OFFER_TIMEOUT_SECONDS: '600' };
    for (const name of ['engine-a', 'engine-b']) procs[name] = spawnSwitchyard(['start', '--roles', 'acd'], { ...env, SWITCHYARD_INSTANCE_ID: name });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    procs.web = spawnSwitchyard(['start', '--roles', 'web'], { ...env, SWITCHYARD_INSTANCE_ID: 'web', SWITCHYARD_HTTP_PORT: String(port), SWITCHYARD_ACD_COMMAND_TIMEOUT_MS: '1000' });
    await Promise.all(Object.values(procs).map((p) => p.started));
  }, 90_000);
  afterAll(async () => {
    for (const p of Object.values(procs)) await p.kill('SIGKILL');
    await deps?.close();
    await tdb?.drop();
  });

  it('every command is answered or retried; every contact offered exactly once; none lost', async () => {
    const leader = await waitFor(() => currentLeader(deps.storage.db, Date.now()), 10_000, 'a leader');
    const statuses = new Map<number, number>();
    const unavailable: string[] = [];
    let accepted = 0;
    let killed = false;
    /** One command; a 503 acd.unavailable is retried after its Retry-After, anything else is its answer. */
    const command = async (method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: any }> => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const r = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
        const json = await r.json() as any;
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status !== 503) return { status: r.status, json };
        expect(json.error.code).toBe('acd.unavailable');
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        unavailable.push(path);
        await new Promise((res) => setTimeout(res, Number(r.headers.get('retry-after')) * 1000));
      }
      throw new Error(`${method} ${path}: no answer after 20 attempts`);
    };
    const agent = async (i: number) => {
      const login = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `burst${i}`, password: 'burst-password' }) });
      const { token } = await login.json() as { token: string };
      expect((await command('PUT', '/api/v1/agents/me/state', token, { state: 'ready' })).status).toBe(200);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const me = await (await fetch(`${base}/api/v1/agents/me`, { headers: { authorization: `Bearer ${token}` } })).json() as { offers: { id: string; contactId: string }[] };
        const offer = me.offers[0];
        if (!offer) {
          const open = await deps.storage.db.selectFrom('contacts').select('id').where('id', 'in', contactIds).where('status', '!=', 'closed').execute();
          if (open.length === 0) return;
          await new Promise((res) => setTimeout(res, 100));
          continue;
        }
        expect((await command('POST', `/api/v1/offers/${offer.id}/accept`, token)).status).toBe(200);
        if (++accepted === 12 && !killed) { killed = true; void procs[leader].kill('SIGKILL'); }
        expect((await command('POST', `/api/v1/contacts/${offer.contactId}/close`, token)).status).toBe(200);
      }
      throw new Error(`agent ${i} still working after 60 s`);
    };
    await Promise.all(Array.from({ length: AGENTS }, (_, i) => agent(i)));

    expect(killed).toBe(true);
    expect(unavailable.length).toBeGreaterThan(0); // commands sent to the dead leader were refused, then retried
    const standby = Object.keys(procs).find((n) => n.startsWith('engine') && n !== leader)!;
    expect(await currentLeader(deps.storage.db, Date.now())).toBe(standby);
    // Only answers and retryable refusals: no 5xx other than 503, no 4xx (nothing was decided twice).
    expect([...statuses.keys()].every((s) => s === 200 || s === 503)).toBe(true);
    const offers = await deps.storage.db.selectFrom('offers').select(['contact_id', 'status']).where('contact_id', 'in', contactIds).execute();
    const perContact = new Map<string, number>();
    for (const o of offers) perContact.set(o.contact_id, (perContact.get(o.contact_id) ?? 0) + 1);
    expect(perContact.size).toBe(CONTACTS);
    expect([...perContact.values()].every((n) => n === 1)).toBe(true);
    expect(offers.every((o) => o.status === 'accepted')).toBe(true);
    const rows = await deps.storage.db.selectFrom('contacts').select('status').where('id', 'in', contactIds).execute();
    expect(rows.map((r) => r.status)).toEqual(Array(CONTACTS).fill('closed'));
    const cmds = await deps.storage.db.selectFrom('acd_commands').select(['status']).execute();
    expect(cmds.filter((c) => c.status === 'pending')).toEqual([]);
    console.info(`burst: ${cmds.length} commands over the table, ${unavailable.length} refused with 503 and retried; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  }, 120_000);
});

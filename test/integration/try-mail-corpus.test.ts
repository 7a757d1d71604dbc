import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { corpusAbsentMessage, corpusEntries } from '../support/corpus.js';
import { rawMail, smtpAccount } from '../support/analysis.js';
import { ADMIN, authed, login, seedAdmin, type Authed } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { tryMail, type TryMailResult } from '../../src/roles/email-server/try-mail.js';
import { processInbound } from '../../src/roles/email-server/pipeline.js';
import { submitAcdEvent } from '../../src/roles/acd/engine.js';
import { claimInbound, storeInbound } from '../../src/storage/repositories/inbound.js';

/**
 * "Try a mail" must agree with what the pipeline and the queue engine then really do: for every
 * message of ../shared/corpus, first try it, then run it for real (store, email server, queue
 * engine) and compare outcome, quarantine reason, categories, language, task type, queue or end,
 * and whether an automatic answer was queued. A configuration with categories, task types,
 * routing rules (queues, an end destination) and an "always" automatic answer with the default
 * rate limits makes the answers differ from mail to mail.
 */
type Json = Record<string, any>;
const entries = corpusEntries();
if (!entries) console.warn(corpusAbsentMessage());

async function configure(admin: Authed): Promise<Record<string, string>> {
  const ok = async (p: Promise<{ statusCode: number; json(): unknown; body: string }>) => {
    const r = await p;
    if (r.statusCode >= 300) throw new Error(`${r.statusCode} ${r.body}`);
    return r.json() as Json;
  };
  for (const [name, keywords] of Object.entries({ billing: ['invoice', 'payment', 'bill'], security: ['password', 'login', 'virus'], python: ['python'], lists: ['unsubscribe'] })) {
    await ok(admin.post('/api/v1/categories', { name, keywords }));
  }
  const queue = async (name: string) => (await ok(admin.post('/api/v1/routing/queues', { name }))).id as string;
  const q = { billing: await queue('Billing'), security: await queue('Security'), python: await queue('Python') };
  const tt = async (name: string) => (await ok(admin.post('/api/v1/routing/task-types', { name }))).id as string;
  const t = { billing: await tt('Billing'), security: await tt('Security') };
  await ok(admin.put('/api/v1/routing/areas/default/task-type-rules', { rules: [
    { criteria: [{ key: 'categories', op: 'equals', value: 'billing' }], taskTypeId: t.billing },
    { criteria: [{ key: 'categories', op: 'equals', value: 'security' }], taskTypeId: t.security },
  ] }));
  await ok(admin.put('/api/v1/routing/areas/default/routing-rules', { rules: [
    { criteria: [{ key: 'taskType', op: 'equals', value: 'Billing' }], destinations: [{ type: 'queue', queueId: q.billing }] },
    { criteria: [{ key: 'taskType', op: 'equals', value: 'Security' }], destinations: [{ type: 'queue', queueId: q.security }] },
    { criteria: [{ key: 'categories', op: 'equals', value: 'lists' }], destinations: [{ type: 'end', reason: 'mailing list' }] },
    { criteria: [{ key: 'categories', op: 'equals', value: 'python' }], destinations: [{ type: 'queue', queueId: q.python }] },
  ] }));
  const template = await ok(admin.post('/api/v1/answer-templates', { name: 'thanks', defaultLanguage: 'en', versions: { en: { subject: 'Thanks', body: 'Case {{caseNumber}}' } } }));
  return { ...q, template: template.id };
}

interface Real { outcome: string; code: string | null; contact: Json | null; answered: boolean }

async function runForReal(deps: Awaited<ReturnType<typeof makeDeps>>, accountId: string, raw: Buffer, uid: number): Promise<Real> {
  const stored = await storeInbound(deps.storage, { accountId, uidvalidity: 7, uid, raw, sourceAction: 'none' }, Date.now());
  const [msg] = await claimInbound(deps.storage, deps.config.instanceId, 1, Date.now(), 60_000);
  if (!msg || Number(msg.id) !== stored.id) throw new Error('claim');
  const out = await processInbound(deps, msg);
  if (out.kind !== 'contact') return { outcome: out.kind === 'quarantined' ? 'quarantine' : out.kind, code: out.kind === 'quarantined' ? out.code : null, contact: null, answered: false };
  await submitAcdEvent(deps, { type: 'tick' });
  const contact = await deps.storage.db.selectFrom('contacts').selectAll().where('id', '=', out.contactId).executeTakeFirstOrThrow();
  const answered = !!(await deps.storage.db.selectFrom('outbox').select('id').where('contact_id', '=', out.contactId).where('kind', '=', 'auto_answer').executeTakeFirst());
  // Closed at once, so the queue engine's snapshot stays small over the sweep.
  await deps.storage.db.updateTable('contacts').set({ status: 'closed', closed_at: Date.now() }).where('id', '=', out.contactId).execute();
  return { outcome: 'contact', code: null, contact, answered };
}

/** The differences between a try and the real run, as readable lines (empty = agreement). */
function compare(t: TryMailResult, r: Real): string[] {
  const diffs: string[] = [];
  const eq = (what: string, a: unknown, b: unknown) => { if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push(`${what}: try ${JSON.stringify(a)} ≠ real ${JSON.stringify(b)}`); };
  eq('outcome', t.outcome, r.outcome);
  if (r.outcome === 'quarantine') eq('quarantine code', t.quarantine?.code, r.code);
  if (!r.contact) return diffs;
  const data = JSON.parse(r.contact.contact_data) as Json;
  eq('categories', t.contactData?.categories, data.categories);
  eq('language', t.contactData?.language, data.language);
  eq('autoGenerated', t.contactData?.autoGenerated, data.autoGenerated);
  eq('task type', t.taskType?.id ?? null, r.contact.task_type_id);
  eq('ended', t.routing?.endedReason ?? null, r.contact.status === 'closed' ? r.contact.end_reason : null);
  if (!r.contact.end_reason) eq('queue', t.routing?.queue?.id ?? null, r.contact.personal_agent_id ? null : r.contact.queue_id);
  eq('automatic answer', t.autoAnswer?.sent ?? false, r.answered);
  return diffs;
}

for (const dialect of BACKENDS) {
  describe(`try a mail (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let admin: Authed;
    let account: Awaited<ReturnType<typeof smtpAccount>>;
    let ids: Record<string, string>;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      await seedAdmin(deps);
      admin = authed(app, await login(app, ADMIN.username, ADMIN.password));
      account = await smtpAccount(deps, 'corpus@example.test');
      ids = await configure(admin);
      const aa = await admin.put(`/api/v1/entrances/${account.entranceId}/auto-answer`, { mode: 'always', templateId: ids.template });
      if (aa.statusCode !== 200) throw new Error(aa.body);
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('explains a mail through the API (JSON or message/rfc822) and creates nothing', async () => {
      const raw = rawMail({ subject: 'Invoice question', body: 'Hello, my invoice is wrong. Please check the payment.' });
      const before = await deps.storage.db.selectFrom('contacts').select('id').execute();
      const viaJson = await admin.post('/api/v1/analysis/try', { raw: raw.toString('base64') });
      expect(viaJson.statusCode).toBe(200);
      const r = viaJson.json() as Json;
      expect(r).toMatchObject({ outcome: 'contact', taskType: { name: 'Billing' }, routing: { queue: { id: ids.billing, name: 'Billing' } }, autoAnswer: { sent: true } });
      expect(r.analysis.categories.matches[0]).toMatchObject({ category: 'billing' });
      expect(JSON.stringify(r.analysis.categories)).toContain('invoice');
      expect(r.routingRule.position).toBeDefined();
      const viaEml = await admin.inject({ method: 'POST', url: '/api/v1/analysis/try', payload: raw, headers: { 'content-type': 'message/rfc822' } });
      expect(viaEml.json()).toMatchObject({ outcome: 'contact', taskType: { name: 'Billing' } });
      expect(await deps.storage.db.selectFrom('contacts').select('id').execute()).toEqual(before);
      expect(await deps.storage.db.selectFrom('outbox').select('id').execute()).toEqual([]);
      expect(await deps.storage.db.selectFrom('events').select('id').execute()).toEqual([]);
      expect((await admin.post('/api/v1/analysis/try', { raw: raw.toString('base64'), entranceId: 'nope' })).json()).toMatchObject({ error: { code: 'entrance.not_found' } });
    });

    // The whole corpus on SQLite; every third message on PostgreSQL (the stages are the same code; this keeps CI time down).
    const stride = dialect === 'sqlite' ? 1 : 3;
    it.skipIf(!entries)(`agrees with the pipeline and the queue engine over the corpus (every ${stride === 1 ? '' : `${stride}rd `}message)`, async () => {
      const disagreements: string[] = [];
      const tally: Record<string, number> = {};
      for (const [i, e] of entries!.entries()) {
        if (i % stride !== 0) continue;
        const raw = readFileSync(e.file);
        const t = await tryMail(deps, raw);
        const real = await runForReal(deps, account.accountId, raw, i + 1);
        const key = real.outcome === 'contact' ? `contact → ${real.contact!.end_reason ? 'ended' : real.contact!.task_type_id ? 'typed' : 'untyped'}${real.answered ? ', answered' : ''}` : real.outcome;
        tally[key] = (tally[key] ?? 0) + 1;
        for (const d of compare(t, real)) disagreements.push(`${e.path}: ${d}`);
      }
      console.info(`[try-mail corpus ${dialect}] ${Math.ceil(entries!.length / stride)} messages: ${JSON.stringify(tally)}`);
      expect(disagreements.slice(0, 20)).toEqual([]);
      // The sweep exercised the interesting branches, not only one.
      expect(Object.keys(tally).length).toBeGreaterThanOrEqual(4);
    }, 600_000);
  });
}

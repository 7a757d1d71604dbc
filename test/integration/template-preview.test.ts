import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, insertContact, login, seedUser, type Authed } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';

/**
 * Issue 9: the admin console previews an answer template rendered by the server, with sample data
 * or a chosen contact's data, outside any agent's contact, and shows what it cannot fill.
 */
type Json = Record<string, any>;

for (const dialect of BACKENDS) {
  describe(`template preview (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let admin: Authed; let sue: Authed; let agent: Authed;
    let templateId: string;
    let contactId: string;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      const a = await seedUser(deps, { username: 'admin', password: 'admin-password', role: 'admin' });
      await deps.storage.db.updateTable('users').set({ display_name: 'Ada Admin' }).where('id', '=', a.id).execute();
      await seedUser(deps, { username: 'sue', password: 'supervisor-pw', role: 'supervisor' });
      await seedUser(deps, { username: 'al', password: 'agent-password', role: 'agent' });
      admin = authed(app, await login(app, 'admin', 'admin-password'));
      sue = authed(app, await login(app, 'sue', 'supervisor-pw'));
      agent = authed(app, await login(app, 'al', 'agent-password'));
      const t = await admin.post('/api/v1/answer-templates', {
        name: 'Order', defaultLanguage: 'en', versions: {
          en: { subject: 'Your order {{case.number}}', body: 'Dear {{customer.name}},\n\nyour order arrives soon. {{estimatedWait}}\n\n{{agent.name}}' },
          de: { subject: 'Ihre Bestellung', body: 'Hallo {{customerName}}, <b>bald</b> da.' },
        },
      });
      expect(t.statusCode).toBe(201);
      templateId = (t.json() as Json).id;
      const account = (await admin.post('/api/v1/accounts', { address: `shop-${dialect}@example.test`, protocol: 'smtp', host: '127.0.0.1', port: 2600, security: 'none' })).json() as Json;
      const queueId = (await deps.storage.db.selectFrom('entrances').select('queue_id').where('id', '=', account.entranceId).executeTakeFirstOrThrow()).queue_id;
      contactId = await insertContact(deps, { entranceId: account.entranceId, queueId, subject: 'Parcel late' });
      await deps.storage.db.updateTable('contacts').set({ from_name: '', case_number: 77 } as never).where('id', '=', contactId).execute();
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    const preview = (who: Authed, body: object, id = templateId) => who.inject({ method: 'POST', url: `/api/v1/answer-templates/${id}/preview`, payload: body });

    it('renders the default version with sample data; lists what cannot be filled', async () => {
      const r = await preview(admin, {});
      expect(r.statusCode).toBe(200);
      const p = r.json() as Json;
      expect(p).toMatchObject({ source: 'sample', language: 'en', subject: 'Your order 12345', missing: ['estimatedWait'], unknown: [] });
      expect(p.text).toContain('Dear Kim Sample,');
      expect(p.text).toContain('Ada Admin');
      expect(p.html).toContain('<p>Dear Kim Sample,</p>');
      expect(p.text).toContain('{{estimatedWait}}');
      expect(p.values['customer.name']).toBe('Kim Sample');
    });

    it('renders a chosen language version, HTML-escaped, and a chosen contact\'s data (a supervisor may, an agent may not)', async () => {
      const de = (await preview(sue, { language: 'de' })).json() as Json;
      expect(de).toMatchObject({ language: 'de', subject: 'Ihre Bestellung', missing: [] });
      expect(de.html).toContain('Hallo Kim Sample, &lt;b&gt;bald&lt;/b&gt; da.');
      const c = (await preview(admin, { contactId })).json() as Json;
      expect(c.source).toBe('contact');
      expect(c.values['contact.subject']).toBe('Parcel late');
      expect(c.values['customer.name']).toBeNull(); // the customer gave no name
      expect(c.missing).toEqual(['customer.name', 'estimatedWait']);
      expect(c.text).toContain('Dear {{customer.name}},');
      expect((await preview(agent, {})).statusCode).toBe(403);
    });

    it('previews text as typed (before saving), naming unknown variables; clear errors for a wrong template, contact or language', async () => {
      const typed = (await preview(admin, { version: { subject: 'Hi {{customer.name}}', body: 'Case {{case.number}} {{nonsense.thing}}' } })).json() as Json;
      expect(typed).toMatchObject({ subject: 'Hi Kim Sample', unknown: ['nonsense.thing'], missing: [] });
      expect(typed.text).toBe('Case 12345 {{nonsense.thing}}');
      expect((await preview(admin, {}, 'no-such')).statusCode).toBe(404);
      const noContact = await preview(admin, { contactId: 'no-such' });
      expect(noContact.statusCode).toBe(404);
      expect(JSON.stringify(noContact.json())).toContain('body.contactId');
      // An unknown language falls back to the default version (as for agents).
      expect(((await preview(admin, { language: 'fr' })).json() as Json).language).toBe('en');
    });
  });
}

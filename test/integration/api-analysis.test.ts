import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, login, seedAdmin, seedUser, ADMIN, type Authed } from '../support/api.js';
import { drainPipeline, rawMail, smtpAccount } from '../support/analysis.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { storeInbound } from '../../src/storage/repositories/inbound.js';

/** Analysis configuration over REST: categories (+ text files), patterns, templates, automatic answers, settings, size limits; the explained contact. */
for (const dialect of BACKENDS) {
  describe(`web API: analysis and automatic answers (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let admin: Authed;
    let agent: Authed;
    let acc: Awaited<ReturnType<typeof smtpAccount>>;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      await seedAdmin(deps);
      await seedUser(deps, { username: 'agent1', password: 'agent-password-1', role: 'agent' });
      admin = authed(app, await login(app, ADMIN.username, ADMIN.password));
      agent = authed(app, await login(app, 'agent1', 'agent-password-1'));
      acc = await smtpAccount(deps, 'support@example.test');
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('categories: create, list, update, conflicts, validation, delete; agents may not change them', async () => {
      const created = await admin.post('/api/v1/categories', { name: 'billing', keywords: ['invoice', '+payment', '-newsletter'] });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ name: 'billing', keywords: ['invoice', '+payment', '-newsletter'], active: true, language: null });
      const id = created.json().id as string;
      expect((await admin.post('/api/v1/categories', { name: 'billing', keywords: ['x'] })).statusCode).toBe(409);
      const bad = await admin.post('/api/v1/categories', { name: 'broken', keywords: ['+', '  '] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.length).toBeGreaterThanOrEqual(2);
      expect((await admin.post('/api/v1/categories', { name: 'x', keywords: [], extra: 1 })).statusCode).toBe(400);
      expect((await agent.post('/api/v1/categories', { name: 'y', keywords: ['y'] })).statusCode).toBe(403);
      const put = await admin.put(`/api/v1/categories/${id}`, { name: 'billing', keywords: ['invoice', 'faktura'], language: 'sv', active: false });
      expect(put.json()).toMatchObject({ keywords: ['invoice', 'faktura'], language: 'sv', active: false });
      expect((await admin.get('/api/v1/categories')).json().categories).toHaveLength(1);
      expect((await admin.delete(`/api/v1/categories/${id}`)).statusCode).toBe(204);
      expect((await admin.get(`/api/v1/categories/${id}`)).statusCode).toBe(404);
    });

    it('categories import and export as text files', async () => {
      const file = '# our categories\n[billing]\ninvoice\n+payment\n\n[german]\n@language de\nder\ndas\n';
      const imported = await admin.inject({ method: 'PUT', url: '/api/v1/categories/import', headers: { 'content-type': 'text/plain' }, payload: file });
      expect(imported.statusCode).toBe(200);
      expect(imported.json()).toEqual({ created: 2, updated: 0, deleted: 0 });
      const exported = await admin.get('/api/v1/categories/export');
      expect(exported.statusCode).toBe(200);
      expect(exported.headers['content-type']).toMatch(/^text\/plain/);
      expect(exported.body).toContain('[billing]');
      expect(exported.body).toContain('@language de');
      const again = await admin.inject({ method: 'PUT', url: '/api/v1/categories/import?mode=replace', headers: { 'content-type': 'text/plain' }, payload: exported.body.replace(/\[german\][\s\S]*$/, '') });
      expect(again.json()).toEqual({ created: 0, updated: 1, deleted: 1 });
      const broken = await admin.inject({ method: 'PUT', url: '/api/v1/categories/import', headers: { 'content-type': 'text/plain' }, payload: 'orphan keyword\n[]\n' });
      expect(broken.statusCode).toBe(400);
      expect(broken.json().error.code).toBe('category_file.invalid');
      expect(broken.json().error.details[0].path).toMatch(/^line \d+/);
      // text/plain stays refused elsewhere
      expect((await admin.inject({ method: 'POST', url: '/api/v1/categories', headers: { 'content-type': 'text/plain' }, payload: 'x' })).statusCode).toBe(415);
    });

    it('patterns: a valid specification is stored; an invalid one lists every problem', async () => {
      const ok = await admin.post('/api/v1/patterns', { name: 'personal number', key: 'personalNumber', parts: [
        { kind: 'digit', min: 6, max: 8, save: true }, { kind: 'literal', literal: '-', min: 0, max: 1 }, { kind: 'digit', min: 4, max: 4, save: true },
      ] });
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({ kind: 'sequence', key: 'personalNumber' });
      const bad = await admin.post('/api/v1/patterns', { name: 'bad', key: 'categories', parts: [{ kind: 'digit', min: 5, max: 2 }, { kind: 'literal', min: 1, max: 1 }] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('pattern.invalid');
      expect(bad.json().error.details.length).toBeGreaterThanOrEqual(3);
      const regex = await admin.post('/api/v1/patterns', { kind: 'regex', name: 'order', key: 'orderNo', regex: 'ORD-(\\d{6})' });
      expect(regex.statusCode).toBe(201);
      expect((await admin.post('/api/v1/patterns', { kind: 'regex', name: 'broken', key: 'k', regex: '(a' })).json().error.code).toBe('pattern.invalid');
      expect((await admin.put(`/api/v1/patterns/${regex.json().id}`, { kind: 'regex', name: 'order', key: 'orderNo', regex: 'ORD-(\\d{5,6})' })).statusCode).toBe(200);
      expect((await admin.get('/api/v1/patterns')).json().patterns).toHaveLength(2);
    });

    it('templates, automatic answer per entrance, settings and size limit', async () => {
      const badT = await admin.post('/api/v1/answer-templates', { name: 't', defaultLanguage: 'de', versions: { en: { subject: 'Hi {{nope}}', body: '' } } });
      expect(badT.statusCode).toBe(400);
      expect(badT.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.defaultLanguage', 'body.versions.en.subject']));
      const t = await admin.post('/api/v1/answer-templates', { name: 'thanks', defaultLanguage: 'en', versions: { en: { subject: 'Thanks', body: 'Case {{caseNumber}}, wait {{estimatedWait}}' }, sv: { subject: 'Tack', body: 'Ärende {{caseNumber}}' } } });
      expect(t.statusCode).toBe(201);
      const tid = t.json().id as string;
      expect((await admin.get(`/api/v1/entrances/${acc.entranceId}/auto-answer`)).json()).toMatchObject({ mode: 'never', updatedAt: null });
      expect((await admin.put(`/api/v1/entrances/${acc.entranceId}/auto-answer`, { mode: 'always' })).json().error.details[0].path).toBe('body.templateId');
      expect((await admin.put(`/api/v1/entrances/${acc.entranceId}/auto-answer`, { mode: 'always', templateId: 'missing' })).statusCode).toBe(400);
      expect((await admin.put('/api/v1/entrances/nope/auto-answer', { mode: 'never' })).statusCode).toBe(404);
      const set = await admin.put(`/api/v1/entrances/${acc.entranceId}/auto-answer`, { mode: 'always', templateId: tid, quoting: 'before', quotePrefix: '| ' });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toMatchObject({ mode: 'always', templateId: tid, quoting: 'before', quotePrefix: '| ' });
      expect((await admin.delete(`/api/v1/answer-templates/${tid}`)).statusCode).toBe(409);

      const settings = await admin.get('/api/v1/analysis/settings');
      expect(settings.json()).toEqual({ rateLimits: [{ windowMinutes: 10, max: 1 }, { windowMinutes: 1440, max: 5 }], languageMinLength: 40, caseTagPrefix: '', ownDomains: [] });
      expect((await admin.put('/api/v1/analysis/settings', { ...(settings.json() as object), caseTagPrefix: '[bad]' })).statusCode).toBe(400);
      expect((await admin.put('/api/v1/analysis/settings', { ...(settings.json() as object), rateLimits: [{ windowMinutes: 60, max: 2 }] })).json().rateLimits).toEqual([{ windowMinutes: 60, max: 2 }]);
      await admin.put('/api/v1/analysis/settings', settings.json());

      expect((await admin.get(`/api/v1/accounts/${acc.accountId}/size-limit`)).json()).toEqual({ accountId: acc.accountId, maxMessageBytes: 25 * 1024 * 1024, default: 25 * 1024 * 1024 });
      expect((await admin.put(`/api/v1/accounts/${acc.accountId}/size-limit`, { maxMessageBytes: 10 })).statusCode).toBe(400);
      expect((await admin.put(`/api/v1/accounts/${acc.accountId}/size-limit`, { maxMessageBytes: 10_000_000 })).json().maxMessageBytes).toBe(10_000_000);
      expect((await admin.put('/api/v1/accounts/nope/size-limit', { maxMessageBytes: 10_000_000 })).statusCode).toBe(404);
    });

    it('GET /api/v1/contacts/:id shows the case and the explained analysis, including why an answer was (not) sent', async () => {
      await storeInbound(deps.storage, { accountId: acc.accountId, uidvalidity: 1, uid: 1, raw: rawMail({ messageId: '<api1@customer.example.org>', subject: 'Invoice ORD-123456', body: 'Please look at my invoice and the payment, order ORD-123456, personnummer 771122-4499.' }), sourceAction: 'none' }, Date.now());
      await storeInbound(deps.storage, { accountId: acc.accountId, uidvalidity: 1, uid: 2, raw: rawMail({ messageId: '<api2@customer.example.org>', headers: ['Precedence: bulk'] }), sourceAction: 'none' }, Date.now());
      await drainPipeline(deps);
      const ids = await deps.storage.db.selectFrom('contacts').select(['id', 'message_id']).execute();
      const one = (await admin.get(`/api/v1/contacts/${ids.find((c) => c.message_id === '<api1@customer.example.org>')!.id}`)).json();
      expect(one.caseNumber).toEqual(expect.any(Number));
      expect(one.contactData).toMatchObject({ categories: ['billing'], orderNo: '123456', personalNumber: '7711224499', caseNumber: one.caseNumber, followUp: false });
      expect(one.analysis.categories.matches[0].keywords).toEqual(expect.arrayContaining([{ keyword: 'invoice', word: 'invoice' }]));
      expect(one.analysis.autoAnswer).toMatchObject({ sent: true, template: 'thanks' });
      expect(one.analysis.explanation.join('\n')).toMatch(/automatic answer queued/);
      const two = (await admin.get(`/api/v1/contacts/${ids.find((c) => c.message_id === '<api2@customer.example.org>')!.id}`)).json();
      expect(two.analysis.autoAnswer).toMatchObject({ sent: false });
      expect(two.analysis.autoAnswer.reasons).toEqual(expect.arrayContaining(['header.precedence', 'rate.limited']));
      expect(two.analysis.autoAnswer.details[0].message).toMatch(/Precedence/);
    });
  });
}

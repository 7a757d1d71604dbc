import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { renderTemplate, TEMPLATE_VARIABLES } from '../../core/analysis/index.js';
import { findAccount } from '../../storage/repositories/accounts.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES, deleteTemplate, findTemplate, getAnalysisSettings, getAutoAnswer, getMaxMessageBytes, listTemplates,
  putAnalysisSettings, putAutoAnswer, putMaxMessageBytes, saveTemplate, toTemplateView, type AutoAnswerSettings,
} from '../../storage/repositories/analysis-config.js';
import { requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound, type ErrorDetail } from '../errors.js';
import { idParams } from '../schemas.js';
import { announceChanges } from '../config-changes.js';

/**
 * Analysis configuration, part 2: answer templates (language versions, variables),
 * the automatic answer of each entrance (always / never / conditional, quoting),
 * global settings (rate limits per recipient, language, case tag) and the size
 * limit of each account.
 */
const language = z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i, 'an ISO 639 code such as "en" or "sv"');

const templateBody = z.object({
  name: z.string().trim().min(1).max(200),
  versions: z.record(language, z.object({ subject: z.string().max(500), body: z.string().max(100_000) }).strict())
    .describe(`Language (ISO 639-1) → { subject, body }. Variables: ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`),
  defaultLanguage: language.describe('Used when the detected language has no version (or is unknown)'),
}).strict();

const templateView = z.object({
  id: z.string(), name: z.string(), versions: z.record(z.string(), z.object({ subject: z.string(), body: z.string() })), defaultLanguage: z.string(),
  createdAt: z.string(), updatedAt: z.string(),
}).describe('AnswerTemplate');

const ruleBody = z.object({
  key: z.string().min(1).max(64).describe('Contact-data key, e.g. categories, language, or a pattern key'),
  op: z.enum(['equals', 'contains']),
  value: z.string().max(500),
  templateId: z.string().min(1).max(200),
}).strict();

const autoAnswerBody = z.object({
  mode: z.enum(['always', 'never', 'conditional']),
  templateId: z.string().min(1).max(200).nullable().optional().describe('mode always: the template'),
  rules: z.array(ruleBody).max(100).default([]).describe('mode conditional: tried in order; the first match picks its template'),
  fallbackTemplateId: z.string().min(1).max(200).nullable().optional().describe('mode conditional: when no rule matches'),
  quoting: z.enum(['none', 'before', 'after']).default('none').describe('Quote the original text before or after the answer'),
  quotePrefix: z.string().max(20).default('> '),
  openingHours: z.string().max(2000).nullable().optional().describe('Text for the {{openingHours}} variable'),
}).strict();

const autoAnswerView = z.object({
  entranceId: z.string(), mode: z.enum(['always', 'never', 'conditional']), templateId: z.string().nullable(),
  rules: z.array(z.object({ key: z.string(), op: z.enum(['equals', 'contains']), value: z.string(), templateId: z.string() })),
  fallbackTemplateId: z.string().nullable(), quoting: z.enum(['none', 'before', 'after']), quotePrefix: z.string(), openingHours: z.string().nullable(),
  updatedAt: z.string().nullable(),
}).describe('AutoAnswerConfig');

const settingsBody = z.object({
  rateLimits: z.array(z.object({ windowMinutes: z.number().int().min(1).max(43_200), max: z.number().int().min(0).max(10_000) }).strict()).max(10)
    .describe('Automatic answers and notices per recipient address, counted across all entrances. Default: 1 per 10 min and 5 per 24 h'),
  languageMinLength: z.number().int().min(0).max(10_000).describe('Below this many characters the language is "unknown"'),
  caseTagPrefix: z.string().max(20).regex(/^[A-Za-z0-9 _-]*$/, 'letters, digits, space, _ and - only').describe('"" gives [#1234], "ACME" gives [ACME #1234]'),
  ownDomains: z.array(z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.-]+$/, 'a domain name')).max(100).describe('Mail from these domains is never answered automatically'),
}).strict();

const sizeLimitBody = z.object({ maxMessageBytes: z.number().int().min(1024).max(1024 * 1024 * 1024) }).strict();
const sizeLimitView = z.object({ accountId: z.string(), maxMessageBytes: z.number(), default: z.number() }).describe('AccountSizeLimit');

function templateProblems(b: z.infer<typeof templateBody>): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (Object.keys(b.versions).length === 0) problems.push({ path: 'body.versions', message: 'at least one language version is required' });
  else if (!Object.prototype.hasOwnProperty.call(b.versions, b.defaultLanguage)) problems.push({ path: 'body.defaultLanguage', message: `no version for the default language "${b.defaultLanguage}"` });
  for (const [lang, v] of Object.entries(b.versions)) {
    for (const [field, text] of [['subject', v.subject], ['body', v.body]] as const) {
      for (const name of renderTemplate(text, {}).unknown) problems.push({ path: `body.versions.${lang}.${field}`, message: `unknown variable {{${name}}}; known: ${TEMPLATE_VARIABLES.join(', ')}` });
    }
    if (v.subject.trim() === '' && v.body.trim() === '') problems.push({ path: `body.versions.${lang}`, message: 'subject and body are both empty' });
  }
  return problems;
}

export function analysisAnswerRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    announceChanges(app, deps, 'analysis');
    const adminOnly = requireRole('admin');
    const staff = requireRole('admin', 'supervisor');
    const db = deps.storage.db;

    const saveTemplateRoute = async (id: string | null, b: z.infer<typeof templateBody>) => {
      const problems = templateProblems(b);
      if (problems.length > 0) throw new ApiError(400, 'template.invalid', `The template has ${problems.length} problem(s): ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
      const r = await saveTemplate(db, id, b, deps.clock());
      if (!r) throw notFound('template', id ?? '');
      if (!r.ok) throw new ApiError(409, r.code, r.message, [{ path: 'body.name', message: 'already taken' }]);
      return toTemplateView(r.row);
    };

    app.get('/api/v1/answer-templates', {
      preHandler: staff,
      schema: { summary: 'List automatic-answer templates', tags: ['automatic answers'], response: { 200: z.object({ templates: z.array(templateView) }), '4xx': errorBodySchema } },
    }, async () => ({ templates: (await listTemplates(db)).map(toTemplateView) }));

    app.post('/api/v1/answer-templates', {
      preHandler: adminOnly,
      schema: { summary: 'Add an automatic-answer template', tags: ['automatic answers'], body: templateBody, response: { 201: templateView, '4xx': errorBodySchema } },
    }, async (request, reply) => reply.code(201).send(await saveTemplateRoute(null, request.body)));

    app.get('/api/v1/answer-templates/:id', {
      preHandler: staff,
      schema: { summary: 'One automatic-answer template', tags: ['automatic answers'], params: idParams, response: { 200: templateView, '4xx': errorBodySchema } },
    }, async (request) => {
      const row = await findTemplate(db, request.params.id);
      if (!row) throw notFound('template', request.params.id);
      return toTemplateView(row);
    });

    app.put('/api/v1/answer-templates/:id', {
      preHandler: adminOnly,
      schema: { summary: 'Replace an automatic-answer template', tags: ['automatic answers'], params: idParams, body: templateBody, response: { 200: templateView, '4xx': errorBodySchema } },
    }, async (request) => saveTemplateRoute(request.params.id, request.body));

    app.delete('/api/v1/answer-templates/:id', {
      preHandler: adminOnly,
      schema: { summary: 'Delete an automatic-answer template (not while an entrance uses it)', tags: ['automatic answers'], params: idParams, response: { 204: z.null().describe('Deleted'), '4xx': errorBodySchema } },
    }, async (request, reply) => {
      const r = await deleteTemplate(db, request.params.id);
      if (r === 'missing') throw notFound('template', request.params.id);
      if (r === 'in-use') throw new ApiError(409, 'template.in_use', 'An entrance\'s automatic answer uses this template; change that first.');
      return reply.code(204).send(null);
    });

    const entranceExists = async (id: string) => {
      if (!(await db.selectFrom('entrances').select('id').where('id', '=', id).executeTakeFirst())) throw notFound('entrance', id);
    };
    const view = (entranceId: string, s: AutoAnswerSettings & { updatedAt: number | null }) => ({
      entranceId, mode: s.mode, templateId: s.templateId, rules: s.rules, fallbackTemplateId: s.fallbackTemplateId, quoting: s.quoting,
      quotePrefix: s.quotePrefix, openingHours: s.openingHours, updatedAt: s.updatedAt === null ? null : new Date(s.updatedAt).toISOString(),
    });

    app.get('/api/v1/entrances/:id/auto-answer', {
      preHandler: staff,
      schema: { summary: 'The automatic answer of an entrance', tags: ['automatic answers'], description: 'Unconfigured entrances never answer.', params: idParams, response: { 200: autoAnswerView, '4xx': errorBodySchema } },
    }, async (request) => {
      await entranceExists(request.params.id);
      return view(request.params.id, await getAutoAnswer(db, request.params.id));
    });

    app.put('/api/v1/entrances/:id/auto-answer', {
      preHandler: adminOnly,
      schema: {
        summary: 'Set the automatic answer of an entrance', tags: ['automatic answers'],
        description: 'always: templateId; never; conditional: rules (contact-data key equals/contains value → template) and an optional fallback. Loop protection and rate limits apply in every mode.',
        params: idParams, body: autoAnswerBody, response: { 200: autoAnswerView, '4xx': errorBodySchema },
      },
    }, async (request) => {
      await entranceExists(request.params.id);
      const b = request.body;
      const problems: ErrorDetail[] = [];
      const exists = async (id: string | null | undefined, path: string) => {
        if (id && !(await findTemplate(db, id))) problems.push({ path, message: `no template with id '${id}'` });
      };
      if (b.mode === 'always' && !b.templateId) problems.push({ path: 'body.templateId', message: "required when mode is 'always'" });
      if (b.mode === 'conditional' && b.rules.length === 0 && !b.fallbackTemplateId) problems.push({ path: 'body.rules', message: "mode 'conditional' needs at least one rule or a fallback" });
      await exists(b.templateId, 'body.templateId');
      await exists(b.fallbackTemplateId, 'body.fallbackTemplateId');
      for (const [i, r] of b.rules.entries()) await exists(r.templateId, `body.rules.${i}.templateId`);
      if (problems.length > 0) throw new ApiError(400, 'auto_answer.invalid', `The automatic answer is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
      const settings: AutoAnswerSettings = {
        mode: b.mode, templateId: b.templateId ?? null, rules: b.rules, fallbackTemplateId: b.fallbackTemplateId ?? null,
        quoting: b.quoting, quotePrefix: b.quotePrefix, openingHours: b.openingHours ?? null,
      };
      await putAutoAnswer(db, request.params.id, settings, deps.clock());
      return view(request.params.id, await getAutoAnswer(db, request.params.id));
    });

    app.get('/api/v1/analysis/settings', {
      preHandler: staff,
      schema: { summary: 'Analysis and automatic-answer settings', tags: ['automatic answers'], response: { 200: settingsBody.describe('AnalysisSettings'), '4xx': errorBodySchema } },
    }, async () => getAnalysisSettings(db));

    app.put('/api/v1/analysis/settings', {
      preHandler: adminOnly,
      schema: { summary: 'Set rate limits, language minimum length, case tag prefix and own domains', tags: ['automatic answers'], body: settingsBody, response: { 200: settingsBody.describe('AnalysisSettings'), '4xx': errorBodySchema } },
    }, async (request) => {
      await putAnalysisSettings(db, request.body);
      return getAnalysisSettings(db);
    });

    app.get('/api/v1/accounts/:id/size-limit', {
      preHandler: staff,
      schema: { summary: 'The size limit of a mail account', tags: ['mail configuration'], params: idParams, response: { 200: sizeLimitView, '4xx': errorBodySchema } },
    }, async (request) => {
      if (!(await findAccount(db, request.params.id))) throw notFound('account', request.params.id);
      return { accountId: request.params.id, maxMessageBytes: await getMaxMessageBytes(db, request.params.id), default: DEFAULT_MAX_MESSAGE_BYTES };
    });

    app.put('/api/v1/accounts/:id/size-limit', {
      preHandler: adminOnly,
      schema: {
        summary: 'Set the size limit of a mail account', tags: ['mail configuration'],
        description: 'A larger message is quarantined with the reason, and the sender gets a notice (subject to loop rules and rate limits). Default 25 MB.',
        params: idParams, body: sizeLimitBody, response: { 200: sizeLimitView, '4xx': errorBodySchema },
      },
    }, async (request) => {
      if (!(await findAccount(db, request.params.id))) throw notFound('account', request.params.id);
      await putMaxMessageBytes(db, request.params.id, request.body.maxMessageBytes, deps.clock());
      return { accountId: request.params.id, maxMessageBytes: await getMaxMessageBytes(db, request.params.id), default: DEFAULT_MAX_MESSAGE_BYTES };
    });
  };
}

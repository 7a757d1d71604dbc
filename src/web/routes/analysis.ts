import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import {
  formatCategoryFile, parseCategoryFile, RESERVED_KEYS, validateCategory, validatePatternSpec, type Category, type PatternSpec,
} from '../../core/analysis/index.js';
import {
  createCategory, deleteRow, findCategory, findPattern, importCategories, listCategories, listPatterns, savePattern,
  toCategory, toCategoryView, toPatternView, updateCategory,
} from '../../storage/repositories/analysis-config.js';
import { requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { idParams } from '../schemas.js';
import { sendDownload } from './download.js';
import { announceChanges } from '../config-changes.js';

/**
 * Analysis configuration, part 1: keyword categories (with text-file import and
 * export) and pattern specifications. Semantic validation lists every problem.
 */
const language = z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i, 'an ISO 639 code such as "en" or "sv"');

const categoryBody = z.object({
  name: z.string().trim().min(1).max(200),
  keywords: z.array(z.string().min(1).max(200)).max(2000),
  active: z.boolean().default(true),
  language: language.nullable().optional(),
}).strict();

const categoryView = z.object({
  id: z.string(), name: z.string(), keywords: z.array(z.string()), active: z.boolean(), language: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
}).describe('Category');

const partBody = z.object({
  kind: z.enum(['digit', 'letter', 'capital', 'any', 'literal']),
  literal: z.string().min(1).max(100).optional(),
  min: z.number().int().min(0),
  max: z.number().int().min(0),
  save: z.boolean().default(false),
}).strict();

const patternBody = z.object({
  kind: z.enum(['sequence', 'regex']).default('sequence').describe('sequence: sub-specifications; regex: RE2 syntax (linear time, no backtracking)'),
  name: z.string().trim().min(1).max(200),
  key: z.string().min(1).max(64).describe('The contact-data key the saved value goes into'),
  parts: z.array(partBody).max(50).optional().describe('For kind sequence: digit, letter, capital, any or literal, each min..max times; saved parts become the value'),
  regex: z.string().max(2000).optional().describe('For kind regex: named groups, else group 1, else the whole match is saved'),
  ignoreCase: z.boolean().optional(),
}).strict();

const patternView = z.object({
  id: z.string(), kind: z.string().optional(), name: z.string(), key: z.string(),
  parts: z.array(z.object({ kind: z.string(), literal: z.string().optional(), min: z.number(), max: z.number(), save: z.boolean() })).optional(),
  regex: z.string().optional(), ignoreCase: z.boolean().optional(), createdAt: z.string(), updatedAt: z.string(),
}).describe('PatternSpec');

const importQuery = z.object({ mode: z.enum(['merge', 'replace']).default('merge') }).strict();

function toSpec(b: z.infer<typeof patternBody>): PatternSpec {
  return b.kind === 'regex'
    ? { kind: 'regex', name: b.name, key: b.key, regex: b.regex ?? '', ...(b.ignoreCase !== undefined ? { ignoreCase: b.ignoreCase } : {}) }
    : { kind: 'sequence', name: b.name, key: b.key, parts: (b.parts ?? []).map((p) => ({ ...p })), ...(b.ignoreCase !== undefined ? { ignoreCase: b.ignoreCase } : {}) };
}

/** Every problem with a pattern specification, as API error details. */
export function patternProblems(spec: PatternSpec): Array<{ path: string; message: string }> {
  const problems = validatePatternSpec(spec).map((p) => ({ path: 'body', message: `${p.code}: ${p.message}` }));
  if ((RESERVED_KEYS as readonly string[]).includes(spec.key)) problems.push({ path: 'body.key', message: `pattern.key-reserved: key "${spec.key}" is written by analysis itself` });
  if (spec.kind === 'regex' && 'parts' in spec) problems.push({ path: 'body.parts', message: 'a regex pattern has no sub-specifications' });
  return problems;
}

function categoryOf(b: z.infer<typeof categoryBody>): Category {
  return { name: b.name, keywords: b.keywords, active: b.active, ...(b.language ? { language: b.language } : {}) };
}

function checkCategory(c: Category): void {
  const problems = validateCategory(c);
  if (problems.length > 0) {
    throw new ApiError(400, 'category.invalid', `The category is not valid: ${problems.map((p) => p.message).join('; ')}`, problems.map((p) => ({ path: 'body.keywords', message: `${p.code}: ${p.message}` })));
  }
}

export function analysisRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    announceChanges(app, deps, 'analysis');
    const adminOnly = requireRole('admin');
    const staff = requireRole('admin', 'supervisor');
    const db = deps.storage.db;

    app.get('/api/v1/categories', {
      preHandler: staff,
      schema: { summary: 'List keyword categories', tags: ['analysis'], response: { 200: z.object({ categories: z.array(categoryView) }), '4xx': errorBodySchema } },
    }, async () => ({ categories: (await listCategories(db)).map(toCategoryView) }));

    app.post('/api/v1/categories', {
      preHandler: adminOnly,
      schema: {
        summary: 'Add a keyword category', tags: ['analysis'],
        description: 'Keywords match case-insensitively by prefix ("computer" hits "computers"); "+word" is required, "-word" prohibited. language: a match decides the message language.',
        body: categoryBody, response: { 201: categoryView, '4xx': errorBodySchema },
      },
    }, async (request, reply) => {
      const c = categoryOf(request.body);
      checkCategory(c);
      const r = await createCategory(db, { name: c.name, keywords: c.keywords, active: c.active, language: c.language ?? null }, deps.clock());
      if (!r.ok) throw new ApiError(409, r.code, r.message, [{ path: 'body.name', message: 'already taken' }]);
      return reply.code(201).send(toCategoryView(r.row));
    });

    app.get('/api/v1/categories/export', {
      preHandler: staff,
      schema: { summary: 'Export all categories as a text file', tags: ['analysis'], description: '"[name]" sections, "@language xx", "@active false", one keyword per line.' },
    }, async (_request, reply) => {
      const text = formatCategoryFile((await listCategories(db)).map(toCategory));
      return sendDownload(reply, Buffer.from(text, 'utf8'), 'text/plain', 'categories.txt').header('Content-Type', 'text/plain; charset=utf-8');
    });

    // Category files are plain text: only this route accepts text/plain (the rest of the API is JSON only).
    const textRoutes: FastifyPluginAsyncZod = async (scoped) => {
      scoped.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, typeof body === 'string' ? body : body.toString('utf8')));
      scoped.put('/api/v1/categories/import', {
        preHandler: adminOnly,
        schema: {
          summary: 'Import categories from a text file', tags: ['analysis'], consumes: ['text/plain'],
          description: 'Body: the text file (Content-Type: text/plain), the format of the export. mode=merge (default) updates same-named categories and adds new ones; mode=replace also removes categories not in the file. Every problem is listed with its line.',
          querystring: importQuery, body: z.string().max(1_000_000),
          response: { 200: z.object({ created: z.number(), updated: z.number(), deleted: z.number() }), '4xx': errorBodySchema },
        },
      }, async (request) => {
        const parsed = parseCategoryFile(request.body);
        if (!parsed.ok) {
          throw new ApiError(400, 'category_file.invalid', `The category file has ${parsed.problems.length} problem(s)`, parsed.problems.map((p) => ({ path: `line ${p.line}`, message: `${p.code}: ${p.message}` })));
        }
        return importCategories(db, parsed.categories, request.query.mode, deps.clock());
      });
    };
    await app.register(textRoutes);

    app.get('/api/v1/categories/:id', {
      preHandler: staff,
      schema: { summary: 'One keyword category', tags: ['analysis'], params: idParams, response: { 200: categoryView, '4xx': errorBodySchema } },
    }, async (request) => {
      const row = await findCategory(db, request.params.id);
      if (!row) throw notFound('category', request.params.id);
      return toCategoryView(row);
    });

    app.put('/api/v1/categories/:id', {
      preHandler: adminOnly,
      schema: { summary: 'Replace a keyword category', tags: ['analysis'], params: idParams, body: categoryBody, response: { 200: categoryView, '4xx': errorBodySchema } },
    }, async (request) => {
      const c = categoryOf(request.body);
      checkCategory(c);
      const r = await updateCategory(db, request.params.id, { name: c.name, keywords: c.keywords, active: c.active, language: c.language ?? null }, deps.clock());
      if (!r) throw notFound('category', request.params.id);
      if (!r.ok) throw new ApiError(409, r.code, r.message, [{ path: 'body.name', message: 'already taken' }]);
      return toCategoryView(r.row);
    });

    app.delete('/api/v1/categories/:id', {
      preHandler: adminOnly,
      schema: { summary: 'Delete a keyword category', tags: ['analysis'], params: idParams, response: { 204: z.null().describe('Deleted'), '4xx': errorBodySchema } },
    }, async (request, reply) => {
      if (!(await deleteRow(db, 'categories', request.params.id))) throw notFound('category', request.params.id);
      return reply.code(204).send(null);
    });

    app.get('/api/v1/patterns', {
      preHandler: staff,
      schema: { summary: 'List pattern specifications', tags: ['analysis'], response: { 200: z.object({ patterns: z.array(patternView) }), '4xx': errorBodySchema } },
    }, async () => ({ patterns: (await listPatterns(db)).map(toPatternView) }));

    const savePatternRoute = async (id: string | null, body: z.infer<typeof patternBody>) => {
      const spec = toSpec(body);
      const problems = patternProblems(spec);
      if (problems.length > 0) throw new ApiError(400, 'pattern.invalid', `The pattern specification has ${problems.length} problem(s): ${problems.map((p) => p.message).join('; ')}`, problems);
      const r = await savePattern(db, id, spec, deps.clock());
      if (!r) throw notFound('pattern', id ?? '');
      if (!r.ok) throw new ApiError(409, r.code, r.message, [{ path: 'body.name', message: 'already taken' }]);
      return toPatternView(r.row);
    };

    app.post('/api/v1/patterns', {
      preHandler: adminOnly,
      schema: {
        summary: 'Add a pattern specification', tags: ['analysis'],
        description: 'Example: personal number = digit 6-8 (save), literal "-" 0-1, digit 4 (save). Every problem is listed at once.',
        body: patternBody, response: { 201: patternView, '4xx': errorBodySchema },
      },
    }, async (request, reply) => reply.code(201).send(await savePatternRoute(null, request.body)));

    app.get('/api/v1/patterns/:id', {
      preHandler: staff,
      schema: { summary: 'One pattern specification', tags: ['analysis'], params: idParams, response: { 200: patternView, '4xx': errorBodySchema } },
    }, async (request) => {
      const row = await findPattern(db, request.params.id);
      if (!row) throw notFound('pattern', request.params.id);
      return toPatternView(row);
    });

    app.put('/api/v1/patterns/:id', {
      preHandler: adminOnly,
      schema: { summary: 'Replace a pattern specification', tags: ['analysis'], params: idParams, body: patternBody, response: { 200: patternView, '4xx': errorBodySchema } },
    }, async (request) => savePatternRoute(request.params.id, request.body));

    app.delete('/api/v1/patterns/:id', {
      preHandler: adminOnly,
      schema: { summary: 'Delete a pattern specification', tags: ['analysis'], params: idParams, response: { 204: z.null().describe('Deleted'), '4xx': errorBodySchema } },
    }, async (request, reply) => {
      if (!(await deleteRow(db, 'pattern_specs', request.params.id))) throw notFound('pattern', request.params.id);
      return reply.code(204).send(null);
    });
  };
}

import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Category, PatternSpec, RateLimit, TemplateVersion } from '../../core/analysis/index.js';
import { DEFAULT_RATE_LIMITS } from '../../core/analysis/index.js';
import type { AnswerTemplatesTable, AutoAnswerConfigsTable, CategoriesTable, Database, PatternSpecsTable } from '../schema.js';

/**
 * Analysis configuration: keyword categories, pattern specifications, answer
 * templates, the automatic answer of each entrance, global analysis settings
 * (rate limits, language) and the size limit of each account.
 */
type Db = Kysely<Database>;
export type CategoryRow = Selectable<CategoriesTable>;
export type PatternRow = Selectable<PatternSpecsTable>;
export type TemplateRow = Selectable<AnswerTemplatesTable>;
export type AutoAnswerRow = Selectable<AutoAnswerConfigsTable>;

export const DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
export const LOOP_MARKER = 'X-Switchyard-Loop';

const iso = (ms: number) => new Date(ms).toISOString();
const isUnique = (err: unknown) => /unique|duplicate key/i.test(String((err as Error)?.message ?? err));

// ---- categories ----

export interface CategoryInput { name: string; keywords: string[]; active: boolean; language: string | null }

export const listCategories = (db: Db) => db.selectFrom('categories').selectAll().orderBy('position').orderBy('name').execute();
export const findCategory = (db: Db, id: string) => db.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst();

export function toCategory(r: CategoryRow): Category {
  return { name: r.name, keywords: JSON.parse(r.keywords) as string[], active: r.active === 1, ...(r.language ? { language: r.language } : {}) };
}
export function toCategoryView(r: CategoryRow) {
  return { id: r.id, ...toCategory(r), language: r.language, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) };
}

export type SaveResult<T> = { ok: true; row: T } | { ok: false; code: string; message: string };

export async function createCategory(db: Db, input: CategoryInput, now: number): Promise<SaveResult<CategoryRow>> {
  const pos = await db.selectFrom('categories').select((eb) => eb.fn.max<number>('position').as('p')).executeTakeFirst();
  const row: CategoryRow = {
    id: randomUUID(), name: input.name, keywords: JSON.stringify(input.keywords), active: input.active ? 1 : 0, language: input.language,
    position: Number(pos?.p ?? 0) + 1, created_at: now, updated_at: now,
  };
  try {
    await db.insertInto('categories').values(row).execute();
  } catch (err) {
    if (isUnique(err)) return { ok: false, code: 'category.exists', message: `a category named '${input.name}' already exists` };
    throw err;
  }
  return { ok: true, row };
}

export async function updateCategory(db: Db, id: string, input: CategoryInput, now: number): Promise<SaveResult<CategoryRow> | null> {
  if (!(await findCategory(db, id))) return null;
  try {
    await db.updateTable('categories').set({ name: input.name, keywords: JSON.stringify(input.keywords), active: input.active ? 1 : 0, language: input.language, updated_at: now })
      .where('id', '=', id).execute();
  } catch (err) {
    if (isUnique(err)) return { ok: false, code: 'category.exists', message: `a category named '${input.name}' already exists` };
    throw err;
  }
  return { ok: true, row: (await findCategory(db, id))! };
}

export async function deleteRow(db: Db, table: 'categories' | 'pattern_specs', id: string): Promise<boolean> {
  const r = await db.deleteFrom(table).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Imports categories: 'replace' removes the ones not in the file; 'merge' updates same-named ones and adds the rest. */
export async function importCategories(db: Db, categories: Category[], mode: 'merge' | 'replace', now: number): Promise<{ created: number; updated: number; deleted: number }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('categories').selectAll().execute();
    const byName = new Map(existing.map((r) => [r.name, r]));
    let created = 0;
    let updated = 0;
    let deleted = 0;
    let position = existing.reduce((m, r) => Math.max(m, r.position), 0);
    for (const c of categories) {
      const have = byName.get(c.name);
      const values = { keywords: JSON.stringify(c.keywords), active: c.active ? 1 : 0, language: c.language ?? null, updated_at: now };
      if (have) { await trx.updateTable('categories').set(values).where('id', '=', have.id).execute(); updated++; }
      else { await trx.insertInto('categories').values({ id: randomUUID(), name: c.name, position: ++position, created_at: now, ...values }).execute(); created++; }
    }
    if (mode === 'replace') {
      const keep = new Set(categories.map((c) => c.name));
      const gone = existing.filter((r) => !keep.has(r.name)).map((r) => r.id);
      if (gone.length > 0) deleted = Number((await trx.deleteFrom('categories').where('id', 'in', gone).executeTakeFirst()).numDeletedRows);
    }
    return { created, updated, deleted };
  });
}

// ---- pattern specifications ----

export const listPatterns = (db: Db) => db.selectFrom('pattern_specs').selectAll().orderBy('position').orderBy('name').execute();
export const findPattern = (db: Db, id: string) => db.selectFrom('pattern_specs').selectAll().where('id', '=', id).executeTakeFirst();
export const toPattern = (r: PatternRow): PatternSpec => JSON.parse(r.spec) as PatternSpec;
export const toPatternView = (r: PatternRow) => ({ id: r.id, ...toPattern(r), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) });

export async function savePattern(db: Db, id: string | null, spec: PatternSpec, now: number): Promise<SaveResult<PatternRow> | null> {
  try {
    if (id === null) {
      const pos = await db.selectFrom('pattern_specs').select((eb) => eb.fn.max<number>('position').as('p')).executeTakeFirst();
      const row: PatternRow = { id: randomUUID(), name: spec.name, spec: JSON.stringify(spec), position: Number(pos?.p ?? 0) + 1, created_at: now, updated_at: now };
      await db.insertInto('pattern_specs').values(row).execute();
      return { ok: true, row };
    }
    if (!(await findPattern(db, id))) return null;
    await db.updateTable('pattern_specs').set({ name: spec.name, spec: JSON.stringify(spec), updated_at: now }).where('id', '=', id).execute();
    return { ok: true, row: (await findPattern(db, id))! };
  } catch (err) {
    if (isUnique(err)) return { ok: false, code: 'pattern.exists', message: `a pattern named '${spec.name}' already exists` };
    throw err;
  }
}

// ---- answer templates ----

export interface TemplateInput { name: string; versions: Record<string, TemplateVersion>; defaultLanguage: string }

export const listTemplates = (db: Db) => db.selectFrom('answer_templates').selectAll().orderBy('name').execute();
export const findTemplate = (db: Db, id: string) => db.selectFrom('answer_templates').selectAll().where('id', '=', id).executeTakeFirst();
export const toTemplateView = (r: TemplateRow) => ({
  id: r.id, name: r.name, versions: JSON.parse(r.versions) as Record<string, TemplateVersion>, defaultLanguage: r.default_language,
  createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
});

export async function saveTemplate(db: Db, id: string | null, input: TemplateInput, now: number): Promise<SaveResult<TemplateRow> | null> {
  const values = { name: input.name, versions: JSON.stringify(input.versions), default_language: input.defaultLanguage, updated_at: now };
  try {
    if (id === null) {
      const row: TemplateRow = { id: randomUUID(), created_at: now, ...values };
      await db.insertInto('answer_templates').values(row).execute();
      return { ok: true, row };
    }
    if (!(await findTemplate(db, id))) return null;
    await db.updateTable('answer_templates').set(values).where('id', '=', id).execute();
    return { ok: true, row: (await findTemplate(db, id))! };
  } catch (err) {
    if (isUnique(err)) return { ok: false, code: 'template.exists', message: `a template named '${input.name}' already exists` };
    throw err;
  }
}

/** Deletes a template unless an entrance uses it. */
export async function deleteTemplate(db: Db, id: string): Promise<'deleted' | 'missing' | 'in-use'> {
  const used = await db.selectFrom('auto_answer_configs').select('entrance_id')
    .where((eb) => eb.or([eb('template_id', '=', id), eb('fallback_template_id', '=', id), eb('rules', 'like', `%"${id}"%`)])).executeTakeFirst();
  if (used) return 'in-use';
  const r = await db.deleteFrom('answer_templates').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0 ? 'deleted' : 'missing';
}

// ---- automatic answer per entrance ----

export interface StoredRule { key: string; op: 'equals' | 'contains'; value: string; templateId: string }

export interface AutoAnswerSettings {
  mode: 'always' | 'never' | 'conditional';
  templateId: string | null;
  rules: StoredRule[];
  fallbackTemplateId: string | null;
  quoting: 'none' | 'before' | 'after';
  quotePrefix: string;
  openingHours: string | null;
}

export const NEVER: AutoAnswerSettings = { mode: 'never', templateId: null, rules: [], fallbackTemplateId: null, quoting: 'none', quotePrefix: '> ', openingHours: null };

export async function getAutoAnswer(db: Db, entranceId: string): Promise<AutoAnswerSettings & { updatedAt: number | null }> {
  const r = await db.selectFrom('auto_answer_configs').selectAll().where('entrance_id', '=', entranceId).executeTakeFirst();
  if (!r) return { ...NEVER, updatedAt: null };
  return {
    mode: r.mode, templateId: r.template_id, rules: JSON.parse(r.rules) as StoredRule[], fallbackTemplateId: r.fallback_template_id,
    quoting: r.quoting, quotePrefix: r.quote_prefix, openingHours: r.opening_hours, updatedAt: r.updated_at,
  };
}

export async function putAutoAnswer(db: Db, entranceId: string, s: AutoAnswerSettings, now: number): Promise<void> {
  const values = {
    mode: s.mode, template_id: s.templateId, rules: JSON.stringify(s.rules), fallback_template_id: s.fallbackTemplateId,
    quoting: s.quoting, quote_prefix: s.quotePrefix, opening_hours: s.openingHours, updated_at: now,
  };
  await db.insertInto('auto_answer_configs').values({ entrance_id: entranceId, ...values })
    .onConflict((oc) => oc.column('entrance_id').doUpdateSet(values)).execute();
}

// ---- global analysis settings ----

export interface AnalysisSettings {
  /** Automatic answers (and notices) per recipient address, counted across all entrances. */
  rateLimits: Array<{ windowMinutes: number; max: number }>;
  /** Below this many characters the language is 'unknown'. */
  languageMinLength: number;
  /** Case tag prefix: "" gives "[#1234]", "ACME" gives "[ACME #1234]". */
  caseTagPrefix: string;
  /** Mail from these domains (or with our Message-IDs on them) is never answered. */
  ownDomains: string[];
}

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = {
  rateLimits: DEFAULT_RATE_LIMITS.map((l) => ({ windowMinutes: l.windowMs / 60_000, max: l.max })),
  languageMinLength: 40,
  caseTagPrefix: '',
  ownDomains: [],
};

const SETTINGS_KEY = 'analysis.settings';

export async function getAnalysisSettings(db: Db): Promise<AnalysisSettings> {
  const r = await db.selectFrom('settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
  return r ? { ...DEFAULT_ANALYSIS_SETTINGS, ...(JSON.parse(r.value) as Partial<AnalysisSettings>) } : DEFAULT_ANALYSIS_SETTINGS;
}

export async function putAnalysisSettings(db: Db, s: AnalysisSettings): Promise<void> {
  const value = JSON.stringify(s);
  await db.insertInto('settings').values({ key: SETTINGS_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

export const rateLimitsOf = (s: AnalysisSettings): RateLimit[] => s.rateLimits.map((l) => ({ windowMs: l.windowMinutes * 60_000, max: l.max }));

// ---- size limit per account ----

export async function getMaxMessageBytes(db: Db, accountId: string): Promise<number> {
  const r = await db.selectFrom('account_limits').select('max_message_bytes').where('account_id', '=', accountId).executeTakeFirst();
  return r ? Number(r.max_message_bytes) : DEFAULT_MAX_MESSAGE_BYTES;
}

export async function putMaxMessageBytes(db: Db, accountId: string, bytes: number, now: number): Promise<void> {
  await db.insertInto('account_limits').values({ account_id: accountId, max_message_bytes: bytes, updated_at: now })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ max_message_bytes: bytes, updated_at: now })).execute();
}

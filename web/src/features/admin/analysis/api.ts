import { api, ok, type BodyOf, type ResponseOf } from '@/shared/api';
import { useApiMutation, useApiQuery } from '../ui/queries';

export type Category = ResponseOf<'/api/v1/categories/{id}', 'get'>;
export type CategoryBody = BodyOf<'/api/v1/categories', 'post'>;
export type Pattern = ResponseOf<'/api/v1/patterns/{id}', 'get'>;
export type PatternBody = BodyOf<'/api/v1/patterns', 'post'>;
export type Template = ResponseOf<'/api/v1/answer-templates/{id}', 'get'>;
export type Settings = ResponseOf<'/api/v1/analysis/settings', 'get'>;
export type TryResult = ResponseOf<'/api/v1/analysis/try', 'post'>;

export const CATEGORIES_KEY = ['admin', 'categories'] as const;
export const PATTERNS_KEY = ['admin', 'patterns'] as const;
export const TEMPLATES_KEY = ['admin', 'templates'] as const;
export const SETTINGS_KEY = ['admin', 'analysis-settings'] as const;
const path = (id: string) => ({ params: { path: { id } } });

export const useCategories = () => useApiQuery(CATEGORIES_KEY, async () => (await ok(api.GET('/api/v1/categories'))).categories);
export const useSaveCategory = () => useApiMutation(({ id, body }: { id: string | null; body: CategoryBody }) => (id
  ? ok(api.PUT('/api/v1/categories/{id}', { ...path(id), body })) : ok(api.POST('/api/v1/categories', { body }))), [CATEGORIES_KEY]);
export const useDeleteCategory = () => useApiMutation((id: string) => ok(api.DELETE('/api/v1/categories/{id}', path(id))), [CATEGORIES_KEY], 'Category not deleted');

/** The categories as the text file (one category per block), and back. */
export async function exportCategories(): Promise<string> {
  const res = await fetch('/api/v1/categories/export', { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`export failed (${res.status})`);
  return res.text();
}
export const useImportCategories = () => useApiMutation(({ text, mode }: { text: string; mode: 'merge' | 'replace' }) =>
  ok(api.PUT('/api/v1/categories/import', {
    params: { query: { mode } }, body: text, bodySerializer: (b: string) => b, headers: { 'Content-Type': 'text/plain' },
  })), [CATEGORIES_KEY]);

export const usePatterns = () => useApiQuery(PATTERNS_KEY, async () => (await ok(api.GET('/api/v1/patterns'))).patterns);
export const useSavePattern = () => useApiMutation(({ id, body }: { id: string | null; body: PatternBody }) => (id
  ? ok(api.PUT('/api/v1/patterns/{id}', { ...path(id), body })) : ok(api.POST('/api/v1/patterns', { body }))), [PATTERNS_KEY]);
export const useDeletePattern = () => useApiMutation((id: string) => ok(api.DELETE('/api/v1/patterns/{id}', path(id))), [PATTERNS_KEY], 'Pattern not deleted');

export const useTemplates = () => useApiQuery(TEMPLATES_KEY, async () => (await ok(api.GET('/api/v1/answer-templates'))).templates);
export const useSaveTemplate = () => useApiMutation(({ id, body }: { id: string | null; body: BodyOf<'/api/v1/answer-templates', 'post'> }) => (id
  ? ok(api.PUT('/api/v1/answer-templates/{id}', { ...path(id), body })) : ok(api.POST('/api/v1/answer-templates', { body }))), [TEMPLATES_KEY]);
export const useDeleteTemplate = () => useApiMutation((id: string) => ok(api.DELETE('/api/v1/answer-templates/{id}', path(id))), [TEMPLATES_KEY], 'Template not deleted');

export const useSettings = () => useApiQuery(SETTINGS_KEY, () => ok(api.GET('/api/v1/analysis/settings')));
export const useSaveSettings = () => useApiMutation((body: Settings) => ok(api.PUT('/api/v1/analysis/settings', { body })), [SETTINGS_KEY]);

export const tryMail = (raw: string, entranceId?: string) => ok(api.POST('/api/v1/analysis/try', { body: { raw, ...(entranceId ? { entranceId } : {}) } }));

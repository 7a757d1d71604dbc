import { api, ok, type BodyOf, type ResponseOf } from '@/shared/api';
import { useApiMutation, useApiQuery } from '../ui/queries';

export type EntranceRouting = ResponseOf<'/api/v1/routing/entrances/{id}', 'get'>;
export type AutoAnswer = ResponseOf<'/api/v1/entrances/{id}/auto-answer', 'get'>;
export type AutoAnswerBody = BodyOf<'/api/v1/entrances/{id}/auto-answer', 'put'>;
export const ENTRANCES_KEY = ['admin', 'entrances'] as const;
const path = (id: string) => ({ params: { path: { id } } });

export const useEntrances = () => useApiQuery(ENTRANCES_KEY, async () => (await ok(api.GET('/api/v1/entrances'))).entrances);
export const useEntranceRouting = (id: string | null) => useApiQuery(['admin', 'entrance-routing', id], () => ok(api.GET('/api/v1/routing/entrances/{id}', path(id!))), !!id);
export const useAutoAnswer = (id: string | null) => useApiQuery(['admin', 'auto-answer', id], () => ok(api.GET('/api/v1/entrances/{id}/auto-answer', path(id!))), !!id);
export const useSaveEntranceRouting = (id: string) => useApiMutation((body: BodyOf<'/api/v1/routing/entrances/{id}', 'patch'>) =>
  ok(api.PATCH('/api/v1/routing/entrances/{id}', { ...path(id), body })), [['admin', 'entrance-routing', id]]);
export const useSaveAutoAnswer = (id: string) => useApiMutation((body: AutoAnswerBody) =>
  ok(api.PUT('/api/v1/entrances/{id}/auto-answer', { ...path(id), body })), [['admin', 'auto-answer', id]]);

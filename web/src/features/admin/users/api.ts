import { api, ok, type BodyOf, type ResponseOf } from '@/shared/api';
import { useApiMutation, useApiQuery } from '../ui/queries';

export type UserView = ResponseOf<'/api/v1/users/{id}', 'get'>;
export type AgentRouting = ResponseOf<'/api/v1/routing/agents/{id}', 'get'>;
export const USERS_KEY = ['admin', 'users'] as const;
const path = (id: string) => ({ params: { path: { id } } });

export const useUsers = () => useApiQuery(USERS_KEY, async () => (await ok(api.GET('/api/v1/users'))).users);
export const useAgentRouting = (id: string | null) => useApiQuery(['admin', 'agent-routing', id], () => ok(api.GET('/api/v1/routing/agents/{id}', path(id!))), !!id);
export const createUser = (body: BodyOf<'/api/v1/users', 'post'>) => ok(api.POST('/api/v1/users', { body }));
export const patchUser = (id: string, body: BodyOf<'/api/v1/users/{id}', 'patch'>) => ok(api.PATCH('/api/v1/users/{id}', { ...path(id), body }));
export const putAgentRouting = (id: string, body: BodyOf<'/api/v1/routing/agents/{id}', 'put'>) => ok(api.PUT('/api/v1/routing/agents/{id}', { ...path(id), body }));
export const useDeleteUser = () => useApiMutation((id: string) => ok(api.DELETE('/api/v1/users/{id}', path(id))), [USERS_KEY], 'User not deleted');
export const useDisableUser = () => useApiMutation(({ id, disabled }: { id: string; disabled: boolean }) => patchUser(id, { disabled }), [USERS_KEY], 'User not changed');
export const useResetPassword = () => useApiMutation(({ id, password }: { id: string; password: string }) =>
  ok(api.POST('/api/v1/users/{id}/password', { ...path(id), body: { password } })), [], 'Password not reset');

import { api, ok, type BodyOf, type ResponseOf } from '@/shared/api';
import { useApiMutation, useApiQuery } from '../ui/queries';

export type Area = ResponseOf<'/api/v1/routing/areas/{id}', 'get'>;
export type Queue = ResponseOf<'/api/v1/routing/queues/{id}', 'get'>;
export type QueueBody = BodyOf<'/api/v1/routing/queues', 'post'>;
export type Skill = ResponseOf<'/api/v1/routing/skills', 'get'>['skills'][number];
export type TaskType = ResponseOf<'/api/v1/routing/task-types', 'get'>['taskTypes'][number];
export type RoutingRules = BodyOf<'/api/v1/routing/areas/{id}/routing-rules', 'put'>['rules'];
export type RoutingRule = RoutingRules[number];
export type Destination = RoutingRule['destinations'][number];
export type TaskTypeRules = BodyOf<'/api/v1/routing/areas/{id}/task-type-rules', 'put'>['rules'];
export type Criterion = RoutingRule['criteria'][number];

export const AREAS_KEY = ['admin', 'routing', 'areas'] as const;
export const QUEUES_KEY = ['admin', 'routing', 'queues'] as const;
export const SKILLS_KEY = ['admin', 'routing', 'skills'] as const;
export const TASK_TYPES_KEY = ['admin', 'routing', 'task-types'] as const;
const path = (id: string) => ({ params: { path: { id } } });

export const useAreas = () => useApiQuery(AREAS_KEY, async () => (await ok(api.GET('/api/v1/routing/areas'))).areas);
export const useSaveArea = () => useApiMutation(({ id, body }: { id: string | null; body: BodyOf<'/api/v1/routing/areas', 'post'> }) => (id
  ? ok(api.PATCH('/api/v1/routing/areas/{id}', { ...path(id), body })) : ok(api.POST('/api/v1/routing/areas', { body }))), [AREAS_KEY]);

export const useQueues = () => useApiQuery(QUEUES_KEY, async () => (await ok(api.GET('/api/v1/routing/queues'))).queues);
export const useSaveQueue = () => useApiMutation(({ id, body }: { id: string | null; body: QueueBody }) => (id
  ? ok(api.PATCH('/api/v1/routing/queues/{id}', { ...path(id), body })) : ok(api.POST('/api/v1/routing/queues', { body }))), [QUEUES_KEY]);
export const checkRequirement = (requirement: string, areaId?: string) =>
  ok(api.POST('/api/v1/routing/requirements/check', { body: { requirement, ...(areaId ? { areaId } : {}) } }));
export const useThresholds = (id: string | null) => useApiQuery(['admin', 'thresholds', id], () => ok(api.GET('/api/v1/queues/{id}/thresholds', path(id!))), !!id);
export const saveThresholds = (id: string, body: { longestWaitSeconds: number | null; slPercent: number | null }) => ok(api.PUT('/api/v1/queues/{id}/thresholds', { ...path(id), body }));

export const useSkills = () => useApiQuery(SKILLS_KEY, async () => (await ok(api.GET('/api/v1/routing/skills'))).skills);
export const useAddSkill = () => useApiMutation((body: BodyOf<'/api/v1/routing/skills', 'post'>) => ok(api.POST('/api/v1/routing/skills', { body })), [SKILLS_KEY]);
export const useDeleteSkill = () => useApiMutation((id: string) => ok(api.DELETE('/api/v1/routing/skills/{id}', path(id))), [SKILLS_KEY], 'Not removed');

export const useTaskTypes = () => useApiQuery(TASK_TYPES_KEY, async () => (await ok(api.GET('/api/v1/routing/task-types'))).taskTypes);
export const useSaveTaskType = () => useApiMutation(({ id, body }: { id: string | null; body: BodyOf<'/api/v1/routing/task-types', 'post'> }) => (id
  ? ok(api.PATCH('/api/v1/routing/task-types/{id}', { ...path(id), body })) : ok(api.POST('/api/v1/routing/task-types', { body }))), [TASK_TYPES_KEY]);

const rulesKey = (kind: string, areaId: string | null) => ['admin', 'routing', kind, areaId] as const;
export const useRoutingRules = (areaId: string | null) => useApiQuery(rulesKey('routing-rules', areaId),
  async () => (await ok(api.GET('/api/v1/routing/areas/{id}/routing-rules', path(areaId!)))).rules, !!areaId);
export const useSaveRoutingRules = (areaId: string) => useApiMutation((rules: RoutingRules) =>
  ok(api.PUT('/api/v1/routing/areas/{id}/routing-rules', { ...path(areaId), body: { rules } })), [rulesKey('routing-rules', areaId)]);
export const useTaskTypeRules = (areaId: string | null) => useApiQuery(rulesKey('task-type-rules', areaId),
  async () => (await ok(api.GET('/api/v1/routing/areas/{id}/task-type-rules', path(areaId!)))).rules, !!areaId);
export const useSaveTaskTypeRules = (areaId: string) => useApiMutation((rules: TaskTypeRules) =>
  ok(api.PUT('/api/v1/routing/areas/{id}/task-type-rules', { ...path(areaId), body: { rules } })), [rulesKey('task-type-rules', areaId)]);

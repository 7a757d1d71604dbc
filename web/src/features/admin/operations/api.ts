import { api, ok, type ResponseOf } from '@/shared/api';
import { useApiMutation, useApiQuery } from '../ui/queries';

export type QuarantineEntry = ResponseOf<'/api/v1/quarantine/{id}', 'get'>;
export type OutboxEntry = ResponseOf<'/api/v1/outbox/{id}', 'get'>;
export type AuditEntry = ResponseOf<'/api/v1/audit', 'get'>['entries'][number];
type QState = 'open' | 'released' | 'discarded' | 'all';
type OStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';
const path = (id: number) => ({ params: { path: { id: String(id) } } });

export const useQuarantine = (state: QState) => useApiQuery(['admin', 'quarantine', state], async () =>
  (await ok(api.GET('/api/v1/quarantine', { params: { query: { state, limit: 200 } } }))).quarantine);
export const useReleaseQuarantine = () => useApiMutation((id: number) => ok(api.POST('/api/v1/quarantine/{id}/release', path(id) as never)), [['admin', 'quarantine']], 'Not released');
export const useDiscardQuarantine = () => useApiMutation((id: number) => ok(api.DELETE('/api/v1/quarantine/{id}', path(id) as never)), [['admin', 'quarantine']], 'Not discarded');

export const useOutbox = (status: OStatus | null) => useApiQuery(['admin', 'outbox', status], async () =>
  (await ok(api.GET('/api/v1/outbox', { params: { query: status ? { status } : {} } }))).outbox);
export const useRetryOutbox = () => useApiMutation((id: number) => ok(api.POST('/api/v1/outbox/{id}/retry', path(id) as never)), [['admin', 'outbox']], 'Not retried');

export const useAudit = (objectType: string | null, beforeId: number | null) => useApiQuery(['admin', 'audit', objectType, beforeId], async () =>
  (await ok(api.GET('/api/v1/audit', { params: { query: { limit: 100, ...(objectType ? { objectType } : {}), ...(beforeId ? { beforeId } : {}) } } }))).entries);

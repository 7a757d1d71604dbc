import { useQuery } from '@tanstack/react-query';
import { api, ok, type ResponseOf } from '@/shared/api';

export type Report = ResponseOf<'/api/v1/statistics', 'get'>;
export type Dimension = 'queue' | 'entrance' | 'task-type' | 'agent';
export type Interval = '15m' | 'hour' | 'day' | 'month';
/** timeZone: an IANA name; without it the server's configured zone (else UTC). */
export interface ReportQuery { dimension: Dimension; interval: Interval; from: string; to: string; key?: string; timeZone?: string }

export function useReport(q: ReportQuery | null) {
  return useQuery({
    queryKey: ['statistics', q],
    enabled: !!q,
    queryFn: () => ok(api.GET('/api/v1/statistics', { params: { query: { ...q!, ...(q!.key ? {} : { key: undefined }), ...(q!.timeZone ? {} : { timeZone: undefined }) } } })),
    staleTime: 15_000,
  });
}

/** The same report as CSV (the API's own export). */
export function csvLink(q: ReportQuery): string {
  const p = new URLSearchParams({ dimension: q.dimension, interval: q.interval, from: q.from, to: q.to, format: 'csv' });
  if (q.key) p.set('key', q.key);
  if (q.timeZone) p.set('timeZone', q.timeZone);
  return `/api/v1/statistics?${p.toString()}`;
}

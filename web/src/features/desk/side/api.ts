import { useQuery } from '@tanstack/react-query';
import { api, ok } from '@/shared/api';

export function useSenderHistory(contactId: string) {
  return useQuery({ queryKey: ['history', contactId], queryFn: () => ok(api.GET('/api/v1/contacts/{id}/history', { params: { path: { id: contactId }, query: { limit: 50 } } })) });
}

export function useHistorySearch(q: string) {
  return useQuery({ queryKey: ['history-search', q], enabled: q.trim().length > 0, queryFn: () => ok(api.GET('/api/v1/history', { params: { query: { q: q.trim(), limit: 50 } } })) });
}

export function useDayFigures() {
  return useQuery({ queryKey: ['my-day'], queryFn: () => ok(api.GET('/api/v1/agents/me/day')), refetchInterval: 120_000 });
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok, type BodyOf, type ResponseOf } from '@/shared/api';

/** The answering API: options, server-side drafts, uploads, templates, send and undo. */
export type AnswerOptions = ResponseOf<'/api/v1/contacts/{id}/answer-options', 'get'>;
export type Draft = NonNullable<ResponseOf<'/api/v1/contacts/{id}/draft', 'get'>['draft']>;
export type DraftFields = Omit<BodyOf<'/api/v1/contacts/{id}/draft', 'put'>, 'baseVersion'>;
export type Upload = ResponseOf<'/api/v1/contacts/{id}/uploads', 'post', 201>;
export type Answer = ResponseOf<'/api/v1/contacts/{id}/answers', 'post', 201>['answer'];
export type Rendered = ResponseOf<'/api/v1/contacts/{id}/render-template', 'post'>;
export type Mode = DraftFields['mode'];

const path = (id: string) => ({ params: { path: { id } } });
export const draftKey = (contactId: string) => ['draft', contactId] as const;
export const conversationKey = (contactId: string) => ['conversation', contactId] as const;

export function useAnswerOptions(contactId: string) {
  return useQuery({ queryKey: ['answer-options', contactId], queryFn: () => ok(api.GET('/api/v1/contacts/{id}/answer-options', path(contactId))), staleTime: 60_000 });
}

export function useDraft(contactId: string) {
  return useQuery({ queryKey: draftKey(contactId), queryFn: async () => (await ok(api.GET('/api/v1/contacts/{id}/draft', path(contactId)))).draft, staleTime: Infinity });
}

export const saveDraft = async (contactId: string, draft: DraftFields): Promise<Draft> =>
  (await ok(api.PUT('/api/v1/contacts/{id}/draft', { ...path(contactId), body: draft }))).draft;

export const discardDraft = (contactId: string) => ok(api.DELETE('/api/v1/contacts/{id}/draft', path(contactId)));

export async function uploadFile(contactId: string, file: File): Promise<Upload> {
  return ok(api.POST('/api/v1/contacts/{id}/uploads', {
    params: { path: { id: contactId }, query: { filename: file.name, contentType: file.type || 'application/octet-stream' } },
    body: file as never, bodySerializer: (b: unknown) => b as BodyInit, headers: { 'content-type': 'application/octet-stream' },
  }));
}

export const deleteUpload = (id: string) => ok(api.DELETE('/api/v1/uploads/{id}', path(id)));

export const renderTemplate = (contactId: string, templateId: string) =>
  ok(api.POST('/api/v1/contacts/{id}/render-template', { ...path(contactId), body: { templateId } }));

export function useSend(contactId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (draft: DraftFields & { allowMissingVariables?: boolean }) =>
      (await ok(api.POST('/api/v1/contacts/{id}/answers', { ...path(contactId), body: draft }))).answer,
    onSuccess: () => { qc.setQueryData(draftKey(contactId), null); void qc.invalidateQueries({ queryKey: conversationKey(contactId) }); },
  });
}

export function useUndo(contactId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (answerId: string) => ok(api.POST('/api/v1/answers/{id}/undo', path(answerId))),
    onSuccess: (r) => { qc.setQueryData(draftKey(contactId), r.draft); void qc.invalidateQueries({ queryKey: conversationKey(contactId) }); },
  });
}

export function useConversation(contactId: string) {
  return useQuery({ queryKey: conversationKey(contactId), queryFn: () => ok(api.GET('/api/v1/contacts/{id}/conversation', path(contactId))) });
}

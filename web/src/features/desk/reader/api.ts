import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '@/shared/api';

export const contactKey = (id: string) => ['contact', id] as const;

export function useContact(id: string | null) {
  return useQuery({
    queryKey: contactKey(id ?? ''),
    enabled: !!id,
    queryFn: () => ok(api.GET('/api/v1/contacts/{id}', { params: { path: { id: id! } } })),
  });
}

const IMAGE_SENDERS_KEY = ['image-senders'] as const;

/** My "always show images" senders, kept on the server: they follow me to another device. */
export function useImageSenders() {
  return useQuery({ queryKey: IMAGE_SENDERS_KEY, queryFn: async () => (await ok(api.GET('/api/v1/agents/me/image-senders'))).senders, refetchOnMount: 'always' });
}

export function useSetImageSender() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { sender: string; always: boolean }) => (await ok(api.PUT('/api/v1/agents/me/image-senders', { body }))).senders,
    // The box follows the click at once; the server's answer (or a failure) settles it.
    onMutate: ({ sender, always }) => client.setQueryData<string[]>(IMAGE_SENDERS_KEY, (old = []) => {
      const key = sender.toLowerCase();
      return always ? [...new Set([...old, key])] : old.filter((s) => s !== key);
    }),
    onSuccess: (senders) => client.setQueryData(IMAGE_SENDERS_KEY, senders),
    onError: () => client.invalidateQueries({ queryKey: IMAGE_SENDERS_KEY }),
  });
}

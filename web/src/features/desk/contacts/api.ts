import { useMe } from '../agent/api';

/** The contacts this agent holds now (from my agent view, kept current by live events). */
export function useMyContacts() {
  const me = useMe();
  return { ...me, data: me.data?.contacts };
}

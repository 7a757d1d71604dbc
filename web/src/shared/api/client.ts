import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/**
 * The one way the desktop talks to the server: typed from the OpenAPI document
 * (schema.d.ts is generated at build time), cookie-authenticated, and marked with
 * X-Switchyard-Client so state-changing requests pass the server's cross-site check.
 */
export const CLIENT_HEADER = { 'X-Switchyard-Client': 'web' } as const;

/** Listeners told when any request answers 401 (the session ended). */
const unauthorisedListeners = new Set<() => void>();
export function onUnauthorised(listener: () => void): () => void {
  unauthorisedListeners.add(listener);
  return () => unauthorisedListeners.delete(listener);
}

const sessionWatch: Middleware = {
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/api/v1/session')) for (const l of unauthorisedListeners) l();
    return undefined;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin', headers: CLIENT_HEADER });
api.use(sessionWatch);

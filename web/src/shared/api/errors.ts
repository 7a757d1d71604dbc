/** An API answer outside 2xx: the server's stable code and its sentence for people. */
export class ApiFailure extends Error {
  /** Per-field problems ({ path: 'body.port', message }) from a validation answer. */
  constructor(readonly status: number, readonly code: string, message: string, readonly details: ReadonlyArray<{ path: string; message: string }> = []) {
    super(message);
    this.name = 'ApiFailure';
  }
}

interface ErrorBody { error?: { code?: string; message?: string; details?: { path: string; message: string }[] } }

/** Unwraps an openapi-fetch result: the data, or an ApiFailure with the server's code and message. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error ?? {}) as ErrorBody;
  throw new ApiFailure(response.status, body.error?.code ?? `http.${response.status}`, body.error?.message ?? response.statusText, body.error?.details ?? []);
}

export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

import type { paths } from './schema';

/** The JSON a route answers with (status 200 unless given): shapes come from the OpenAPI document. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  paths[P][M] extends { responses: infer R }
    ? S extends keyof R ? R[S] extends { content: { 'application/json': infer J } } ? J : never : never
    : never;

/** The JSON body a route takes. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> =
  paths[P][M] extends { requestBody?: { content: { 'application/json': infer J } } } ? J : never;

export type User = ResponseOf<'/api/v1/session', 'get'>['user'];
export type ContactDetail = ResponseOf<'/api/v1/contacts/{id}', 'get'>;
export type ContactSummary = ResponseOf<'/api/v1/contacts', 'get'>['contacts'][number];
export type Attachment = ContactDetail['attachments'][number];
export type Agent = ResponseOf<'/api/v1/agents/me', 'get'>;

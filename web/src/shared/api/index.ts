export { api, CLIENT_HEADER, onUnauthorised } from './client';
export { ApiFailure, ok, messageOf } from './errors';
export type * from './types';

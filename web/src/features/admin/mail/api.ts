import { api, ok, type BodyOf, type ResponseOf } from '@/shared/api';
import { useApiMutation, useApiQuery } from '../ui/queries';

export type SmtpServer = ResponseOf<'/api/v1/smtp-servers/{id}', 'get'>;
export type Account = ResponseOf<'/api/v1/accounts/{id}', 'get'>;
export type SmtpTestResult = ResponseOf<'/api/v1/smtp-servers/test', 'post'>;
export type ImapTestResult = ResponseOf<'/api/v1/accounts/test', 'post'>;
export type SmtpServerBody = BodyOf<'/api/v1/smtp-servers', 'post'>;
export type AccountBody = BodyOf<'/api/v1/accounts', 'post'>;
export type AccountPatch = BodyOf<'/api/v1/accounts/{id}', 'patch'>;

export const SMTP_KEY = ['admin', 'smtp-servers'] as const;
export const ACCOUNTS_KEY = ['admin', 'accounts'] as const;
const path = (id: string) => ({ params: { path: { id } } });

export const useSmtpServers = () => useApiQuery(SMTP_KEY, async () => (await ok(api.GET('/api/v1/smtp-servers'))).smtpServers);
/** Health changes on its own (connecting, idle, error…): read again every few seconds while shown. */
export const useAccounts = () => useApiQuery(ACCOUNTS_KEY, async () => (await ok(api.GET('/api/v1/accounts'))).accounts, true, 3_000);

export const useSaveSmtpServer = () => useApiMutation(
  ({ id, body }: { id: string | null; body: SmtpServerBody }) => (id
    ? ok(api.PATCH('/api/v1/smtp-servers/{id}', { ...path(id), body }))
    : ok(api.POST('/api/v1/smtp-servers', { body }))),
  [SMTP_KEY],
);
export const usePatchSmtpServer = () => useApiMutation(({ id, body }: { id: string; body: BodyOf<'/api/v1/smtp-servers/{id}', 'patch'> }) => ok(api.PATCH('/api/v1/smtp-servers/{id}', { ...path(id), body })), [SMTP_KEY]);
export const useDeleteSmtpServer = () => useApiMutation((id: string) => ok(api.DELETE('/api/v1/smtp-servers/{id}', path(id))), [SMTP_KEY], 'SMTP server not deleted');

export const testSmtpSettings = (body: BodyOf<'/api/v1/smtp-servers/test', 'post'>) => ok(api.POST('/api/v1/smtp-servers/test', { body }));
export const testSavedSmtpServer = (id: string) => ok(api.POST('/api/v1/smtp-servers/{id}/test', path(id)));
export const testImapSettings = (body: BodyOf<'/api/v1/accounts/test', 'post'>) => ok(api.POST('/api/v1/accounts/test', { body }));
export const testSavedAccount = (id: string, mailbox?: string) =>
  ok(api.POST('/api/v1/accounts/{id}/test', { params: { path: { id }, query: mailbox ? { mailbox } : {} } }));

export const useCreateAccount = () => useApiMutation((body: AccountBody) => ok(api.POST('/api/v1/accounts', { body })), [ACCOUNTS_KEY]);
export const usePatchAccount = () => useApiMutation(({ id, body }: { id: string; body: AccountPatch }) => ok(api.PATCH('/api/v1/accounts/{id}', { ...path(id), body })), [ACCOUNTS_KEY]);
export const useDeleteAccount = () => useApiMutation((id: string) => ok(api.DELETE('/api/v1/accounts/{id}', path(id))), [ACCOUNTS_KEY], 'Account not deleted');

import { Button, Checkbox, Group, NumberInput, PasswordInput, Select, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { api, ok } from '@/shared/api';
import { applyApiErrors } from '../ui/apiErrors';
import { FormError } from '../ui/Page';
import { useApiQuery } from '../ui/queries';
import { testImapSettings, testSavedAccount, useCreateAccount, usePatchAccount, useSmtpServers, type Account, type ImapTestResult } from './api';
import { TestResult } from './TestResult';

const SECURITY = [{ value: 'none', label: 'None (plain)' }, { value: 'starttls', label: 'STARTTLS' }, { value: 'tls', label: 'TLS' }];
const AFTER = [{ value: 'seen', label: 'Mark as seen' }, { value: 'move', label: 'Move to a folder' }, { value: 'delete', label: 'Delete' }];

interface Values extends Record<string, unknown> {
  address: string; host: string; port: number; security: 'none' | 'starttls' | 'tls'; username: string; password: string;
  allowSelfSigned: boolean; mailbox: string; afterImport: 'seen' | 'move' | 'delete'; moveTo: string; pollIntervalSeconds: number;
  smtpServerId: string; returnAddress: string; enabled: boolean; queueId: string;
}

/**
 * Add or change an IMAP account. "Test connection" signs in with the settings as typed and
 * lists the folders (with their special use): the mailbox and "move to" pickers offer them.
 */
export function AccountForm({ account, onDone }: { account: Account | null; onDone: () => void }) {
  const form = useForm<Values>({
    initialValues: {
      address: account?.address ?? '', host: account?.host ?? '', port: account?.port ?? 993, security: account?.security ?? 'tls',
      username: account?.username ?? '', password: '', allowSelfSigned: account?.allowSelfSigned ?? false, mailbox: account?.mailbox ?? 'INBOX',
      afterImport: account?.afterImport ?? 'seen', moveTo: account?.moveTo ?? '', pollIntervalSeconds: account?.pollIntervalSeconds ?? 60,
      smtpServerId: account?.smtpServerId ?? '', returnAddress: account?.returnAddress ?? '', enabled: account?.enabled ?? true, queueId: '',
    },
  });
  const smtp = useSmtpServers();
  const queues = useApiQuery(['admin', 'routing', 'queues'], async () => (await ok(api.GET('/api/v1/routing/queues'))).queues, !account);
  const create = useCreateAccount();
  const patch = usePatchAccount();
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<ImapTestResult | null>(null);
  const [testing, setTesting] = useState(false);

  const runTest = async () => {
    const v = form.getValues();
    setTesting(true); setTest(null); setError(null);
    try {
      // A saved account whose password field is empty is tested with the password it has.
      setTest(account && !v.password
        ? await testSavedAccount(account.id, v.mailbox || undefined)
        : await testImapSettings({ host: v.host, port: v.port, security: v.security, username: v.username, password: v.password, mailbox: v.mailbox || undefined, allowSelfSigned: v.allowSelfSigned }));
    } catch (err) { setError(applyApiErrors(form, err)); }
    finally { setTesting(false); }
  };

  const folders = (test?.folders ?? []).map((f) => ({ value: f.path, label: f.specialUse ? `${f.path} · ${f.specialUse.replace(/^\\/, '')}` : f.path }));
  const withCurrent = (value: string) => (value && !folders.some((f) => f.value === value) ? [{ value, label: value }, ...folders] : folders);
  const v = form.getValues();

  const submit = form.onSubmit(async (v) => {
    setError(null);
    const common = {
      host: v.host, port: v.port, security: v.security, username: v.username || undefined, mailbox: v.mailbox, afterImport: v.afterImport,
      pollIntervalSeconds: v.pollIntervalSeconds, enabled: v.enabled, allowSelfSigned: v.allowSelfSigned,
      ...(v.password ? { password: v.password } : {}),
    };
    try {
      if (account) {
        await patch.mutateAsync({ id: account.id, body: { ...common, moveTo: v.moveTo || null, smtpServerId: v.smtpServerId || null, returnAddress: v.returnAddress || null } });
      } else {
        await create.mutateAsync({
          ...common, address: v.address, protocol: 'imap', ...(v.moveTo ? { moveTo: v.moveTo } : {}), ...(v.smtpServerId ? { smtpServerId: v.smtpServerId } : {}),
          ...(v.returnAddress ? { returnAddress: v.returnAddress } : {}), ...(v.queueId ? { queueId: v.queueId } : {}),
        });
      }
      onDone();
    } catch (err) { setError(applyApiErrors(form, err)); }
  });

  const summary = test?.ok ? `${test.folders.length} folders; ${test.mailbox.path} holds ${test.mailbox.messages} messages${test.mailbox.unseen !== null ? ` (${test.mailbox.unseen} unseen)` : ''}` : undefined;
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError message={error} />
        <TextInput label="Address" required disabled={!!account} description={account ? 'The address cannot change: add a new account instead' : undefined} {...form.getInputProps('address')} />
        <Group grow align="flex-start">
          <TextInput label="IMAP host" required {...form.getInputProps('host')} />
          <NumberInput label="Port" required min={1} max={65535} {...form.getInputProps('port')} />
        </Group>
        <Select label="Security" data={SECURITY} allowDeselect={false} {...form.getInputProps('security')} />
        <Group grow align="flex-start">
          <TextInput label="User name" autoComplete="off" {...form.getInputProps('username')} />
          <PasswordInput label={account?.passwordSet ? 'Password (empty: keep)' : 'Password'} autoComplete="new-password" {...form.getInputProps('password')} />
        </Group>
        <Checkbox label="Accept a self-signed certificate" {...form.getInputProps('allowSelfSigned', { type: 'checkbox' })} />
        <Group><Button variant="default" onClick={runTest} loading={testing}>Test connection</Button></Group>
        <TestResult result={test ? { ...test, summary } : null} label="IMAP" />
        <Select label="Mailbox (folder to read)" data={withCurrent(v.mailbox)} searchable allowDeselect={false}
          description={folders.length ? undefined : 'Test the connection to pick from the folder list'} {...form.getInputProps('mailbox')} />
        <Select label="After import" data={AFTER} allowDeselect={false} {...form.getInputProps('afterImport')} />
        {v.afterImport === 'move' && <Select label="Move to" data={withCurrent(v.moveTo)} searchable {...form.getInputProps('moveTo')} />}
        <NumberInput label="Poll interval (seconds, when IDLE is not offered)" min={5} {...form.getInputProps('pollIntervalSeconds')} />
        <Select label="SMTP server for answers" data={(smtp.data ?? []).map((s) => ({ value: s.id, label: s.name }))} clearable {...form.getInputProps('smtpServerId')} />
        <TextInput label="Return address" {...form.getInputProps('returnAddress')} />
        {!account && <Select label="Queue for the new entrance (empty: a new queue named after the address)" data={(queues.data ?? []).map((q) => ({ value: q.id, label: q.name }))} clearable {...form.getInputProps('queueId')} />}
        <Switch label="Enabled (watch this mailbox)" {...form.getInputProps('enabled', { type: 'checkbox' })} />
        <Group justify="flex-end"><Button type="submit" loading={create.isPending || patch.isPending}>{account ? 'Save' : 'Add account'}</Button></Group>
      </Stack>
    </form>
  );
}

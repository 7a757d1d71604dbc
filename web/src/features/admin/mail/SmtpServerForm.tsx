import { Button, Checkbox, Group, NumberInput, PasswordInput, Select, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { applyApiErrors } from '../ui/apiErrors';
import { FormError } from '../ui/Page';
import { testSmtpSettings, useSaveSmtpServer, type SmtpServer, type SmtpTestResult } from './api';
import { TestResult } from './TestResult';

const SECURITY = [{ value: 'none', label: 'None (plain)' }, { value: 'starttls', label: 'STARTTLS' }, { value: 'tls', label: 'TLS' }];
const METHODS = ['PLAIN', 'LOGIN', 'CRAM-MD5'];

interface Values extends Record<string, unknown> {
  name: string; host: string; port: number; security: 'none' | 'starttls' | 'tls';
  auth: { user: string; password: string; method: 'PLAIN' | 'LOGIN' | 'CRAM-MD5' }; allowSelfSigned: boolean; enabled: boolean;
}

/** Add or change an SMTP server; "Test connection" tries the settings as typed (nothing is sent). */
export function SmtpServerForm({ server, onDone }: { server: SmtpServer | null; onDone: () => void }) {
  const form = useForm<Values>({
    initialValues: {
      name: server?.name ?? '', host: server?.host ?? '', port: server?.port ?? 587, security: server?.security ?? 'starttls',
      auth: { user: server?.auth?.user ?? '', password: '', method: server?.auth?.method ?? 'PLAIN' }, allowSelfSigned: server?.allowSelfSigned ?? false,
      enabled: server?.enabled ?? true,
    },
  });
  const save = useSaveSmtpServer();
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<SmtpTestResult | null>(null);
  const [testing, setTesting] = useState(false);

  const auth = (v: Values) => (v.auth.user ? { user: v.auth.user, password: v.auth.password, method: v.auth.method } : undefined);
  const runTest = async () => {
    const v = form.getValues();
    setTesting(true); setTest(null); setError(null);
    try { setTest(await testSmtpSettings({ host: v.host, port: v.port, security: v.security, auth: auth(v), allowSelfSigned: v.allowSelfSigned })); }
    catch (err) { setError(applyApiErrors(form, err)); }
    finally { setTesting(false); }
  };
  const submit = form.onSubmit(async (v) => {
    setError(null);
    const a = auth(v);
    const body = {
      name: v.name, host: v.host, port: v.port, security: v.security, allowSelfSigned: v.allowSelfSigned, enabled: v.enabled,
      // Changing a saved server: an empty password keeps the one stored.
      ...(a ? { auth: server && !a.password ? { user: a.user, method: a.method } : a } : {}),
    };
    try { await save.mutateAsync({ id: server?.id ?? null, body: body as never }); onDone(); }
    catch (err) { setError(applyApiErrors(form, err)); }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError message={error} />
        <TextInput label="Name" required {...form.getInputProps('name')} />
        <Group grow align="flex-start">
          <TextInput label="Host" required {...form.getInputProps('host')} />
          <NumberInput label="Port" required min={1} max={65535} {...form.getInputProps('port')} />
        </Group>
        <Select label="Security" data={SECURITY} allowDeselect={false} {...form.getInputProps('security')} />
        <Group grow align="flex-start">
          <TextInput label="User name (empty: no authentication)" autoComplete="off" {...form.getInputProps('auth.user')} />
          <PasswordInput label={server?.auth?.passwordSet ? 'Password (empty: keep)' : 'Password'} autoComplete="new-password" {...form.getInputProps('auth.password')} />
        </Group>
        <Select label="Authentication method" data={METHODS} allowDeselect={false} {...form.getInputProps('auth.method')} />
        <Checkbox label="Accept a self-signed certificate" {...form.getInputProps('allowSelfSigned', { type: 'checkbox' })} />
        <Switch label="Enabled (off: mail through it waits in the outbox)" {...form.getInputProps('enabled', { type: 'checkbox' })} />
        <TestResult result={test} label="SMTP" />
        <Group justify="space-between">
          <Button variant="default" onClick={runTest} loading={testing}>Test connection</Button>
          <Button type="submit" loading={save.isPending}>{server ? 'Save' : 'Add SMTP server'}</Button>
        </Group>
      </Stack>
    </form>
  );
}

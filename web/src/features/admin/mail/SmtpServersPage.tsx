import { Button, Group, Switch, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { ConfirmButton } from '../ui/ConfirmButton';
import { EditDrawer } from '../ui/EditDrawer';
import { LoadError, Page } from '../ui/Page';
import { testSavedSmtpServer, useDeleteSmtpServer, usePatchSmtpServer, useSmtpServers, type SmtpServer, type SmtpTestResult } from './api';
import { SmtpServerForm } from './SmtpServerForm';
import { TestResult } from './TestResult';

/** SMTP servers that send answers, forwards and automatic answers. */
export function SmtpServersPage() {
  const servers = useSmtpServers();
  const remove = useDeleteSmtpServer();
  const patch = usePatchSmtpServer();
  const [editing, setEditing] = useState<SmtpServer | 'new' | null>(null);
  const [tests, setTests] = useState<Record<string, SmtpTestResult | 'running'>>({});
  const test = async (id: string) => {
    setTests((t) => ({ ...t, [id]: 'running' }));
    try { const r = await testSavedSmtpServer(id); setTests((t) => ({ ...t, [id]: r })); }
    catch (err) { setTests((t) => ({ ...t, [id]: { ok: false, stage: 'request', serverResponse: String((err as Error).message) } })); }
  };
  return (
    <Page title="SMTP servers" actions={<Button onClick={() => setEditing('new')}>Add SMTP server</Button>}>
      <LoadError error={servers.error} />
      <Table striped highlightOnHover>
        <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Host</Table.Th><Table.Th>Security</Table.Th><Table.Th>User</Table.Th><Table.Th>Enabled</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {servers.data?.map((s) => {
            const t = tests[s.id];
            return [
              <Table.Tr key={s.id} data-testid="smtp-server-row">
                <Table.Td>{s.name}</Table.Td>
                <Table.Td>{s.host}:{s.port}</Table.Td>
                <Table.Td>{s.security}</Table.Td>
                <Table.Td>{s.auth?.user ?? <Text c="dimmed" size="sm">none</Text>}</Table.Td>
                <Table.Td>
                  {/* Switched off: its mail waits in the outbox (with that reason) until it is on again. */}
                  <Switch aria-label={`Enabled: ${s.name}`} checked={s.enabled} onChange={(e) => patch.mutate({ id: s.id, body: { enabled: e.currentTarget.checked } })} />
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button size="xs" variant="default" onClick={() => test(s.id)} loading={t === 'running'} aria-label={`Test ${s.name}`}>Test</Button>
                    <Button size="xs" variant="default" onClick={() => setEditing(s)} aria-label={`Edit ${s.name}`}>Edit</Button>
                    <ConfirmButton question={`Delete the SMTP server ${s.name}?`} onConfirm={() => remove.mutate(s.id)} aria-label={`Delete ${s.name}`}>Delete</ConfirmButton>
                  </Group>
                </Table.Td>
              </Table.Tr>,
              t && t !== 'running' ? <Table.Tr key={`${s.id}-test`}><Table.Td colSpan={6}><TestResult result={t} label={s.name} /></Table.Td></Table.Tr> : null,
            ];
          })}
        </Table.Tbody>
      </Table>
      {servers.data?.length === 0 && <Text c="dimmed">No SMTP server yet.</Text>}
      <EditDrawer editing={editing} onClose={() => setEditing(null)} noun="SMTP server" size="md">
        {(item) => <SmtpServerForm server={item} onDone={() => setEditing(null)} />}
      </EditDrawer>
    </Page>
  );
}

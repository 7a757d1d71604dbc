import { Badge, Button, Group, Stack, Switch, Table, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { formatTime } from '@/shared/lib/format';
import { ConfirmButton } from '../ui/ConfirmButton';
import { EditDrawer } from '../ui/EditDrawer';
import { LoadError, Page } from '../ui/Page';
import { useAccounts, useDeleteAccount, usePatchAccount, type Account } from './api';
import { AccountForm } from './AccountForm';

const HEALTH_COLOUR: Record<string, string> = { idle: 'teal', polling: 'teal', listening: 'teal', starting: 'blue', connecting: 'blue', disabled: 'gray', error: 'red', failing: 'red' };

/** Mail accounts with their health (state, last success, last error) and an enable switch. */
export function AccountsPage() {
  const accounts = useAccounts();
  const patch = usePatchAccount();
  const remove = useDeleteAccount();
  const [editing, setEditing] = useState<Account | 'new' | null>(null);
  return (
    <Page title="Mail accounts" actions={<Button onClick={() => setEditing('new')}>Add account</Button>}>
      <LoadError error={accounts.error} />
      <Table striped highlightOnHover>
        <Table.Thead><Table.Tr><Table.Th>Address</Table.Th><Table.Th>Server</Table.Th><Table.Th>Mailbox</Table.Th><Table.Th>Health</Table.Th><Table.Th>Enabled</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {accounts.data?.map((a) => (
            <Table.Tr key={a.id} data-testid="account-row">
              <Table.Td>{a.address}</Table.Td>
              <Table.Td>{a.host}:{a.port} ({a.security})</Table.Td>
              <Table.Td>{a.mailbox}</Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  <Badge color={HEALTH_COLOUR[a.health.state] ?? 'yellow'} variant="light" data-testid="account-health">{a.health.state}</Badge>
                  {a.health.lastSuccessAt && <Text size="xs" c="dimmed">last success {formatTime(a.health.lastSuccessAt)}</Text>}
                  {a.health.lastError && <Tooltip label={a.health.lastError} multiline w={320}><Text size="xs" c="red" lineClamp={1}>{formatTime(a.health.lastErrorAt)} {a.health.lastError}</Text></Tooltip>}
                </Stack>
              </Table.Td>
              <Table.Td>
                <Switch aria-label={`Enabled: ${a.address}`} checked={a.enabled} onChange={(e) => patch.mutate({ id: a.id, body: { enabled: e.currentTarget.checked } })} />
              </Table.Td>
              <Table.Td>
                <Group gap="xs">
                  <Button size="xs" variant="default" onClick={() => setEditing(a)} aria-label={`Edit ${a.address}`}>Edit</Button>
                  <ConfirmButton question={`Delete the account ${a.address}? Its entrance stops receiving mail.`} onConfirm={() => remove.mutate(a.id)} aria-label={`Delete ${a.address}`}>Delete</ConfirmButton>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {accounts.data?.length === 0 && <Text c="dimmed">No account yet.</Text>}
      <EditDrawer editing={editing} onClose={() => setEditing(null)} noun="mail account" size="lg">
        {(item) => <AccountForm account={item} onDone={() => setEditing(null)} />}
      </EditDrawer>
    </Page>
  );
}

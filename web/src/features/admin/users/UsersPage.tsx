import { Badge, Button, Group, Menu, Modal, PasswordInput, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { ConfirmButton } from '../ui/ConfirmButton';
import { saved } from '../ui/notify';
import { EditDrawer } from '../ui/EditDrawer';
import { LoadError, Page } from '../ui/Page';
import { useDeleteUser, useDisableUser, useResetPassword, useUsers, type UserView } from './api';
import { UserForm } from './UserForm';

/** Users: add, change (role, skills, groups, capacity, email, area), disable, delete, reset a password. */
export function UsersPage() {
  const users = useUsers();
  const disable = useDisableUser();
  const remove = useDeleteUser();
  const [editing, setEditing] = useState<UserView | 'new' | null>(null);
  const [resetFor, setResetFor] = useState<UserView | null>(null);
  return (
    <Page title="Users" actions={<Button onClick={() => setEditing('new')}>Add user</Button>}>
      <LoadError error={users.error} />
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>User</Table.Th><Table.Th>Role</Table.Th><Table.Th>Skills</Table.Th><Table.Th>Capacity</Table.Th><Table.Th>Email</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {users.data?.map((u) => (
            <Table.Tr key={u.id} data-testid="user-row">
              <Table.Td><Text size="sm" fw={500}>{u.displayName}</Text><Text size="xs" c="dimmed">{u.username}</Text></Table.Td>
              <Table.Td>{u.role}{u.disabled && <Badge color="gray" ml="xs">disabled</Badge>}</Table.Td>
              <Table.Td>{Object.entries(u.skills).map(([s, l]) => `${s} ${String(l)}`).join(', ')}</Table.Td>
              <Table.Td>{u.capacity}</Table.Td>
              <Table.Td>{u.email ?? <Text size="sm" c="dimmed">desktop</Text>}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Button size="xs" variant="default" onClick={() => setEditing(u)} aria-label={`Edit ${u.username}`}>Edit</Button>
                  <Menu>
                    <Menu.Target><Button size="xs" variant="default" aria-label={`More for ${u.username}`}>More</Button></Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item onClick={() => setResetFor(u)}>Reset password…</Menu.Item>
                      <Menu.Item onClick={() => disable.mutate({ id: u.id, disabled: !u.disabled })}>{u.disabled ? 'Enable' : 'Disable (signs out, logs out of queues)'}</Menu.Item>
                    </Menu.Dropdown>
                  </Menu>
                  <ConfirmButton question={`Delete the user ${u.username}? Disabling keeps their history attached to a name.`} onConfirm={() => remove.mutate(u.id)} aria-label={`Delete ${u.username}`}>Delete</ConfirmButton>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <EditDrawer editing={editing} onClose={() => setEditing(null)} noun="user" size="md">
        {(item) => <UserForm user={item} onDone={() => setEditing(null)} />}
      </EditDrawer>
      <ResetPassword user={resetFor} onClose={() => setResetFor(null)} />
    </Page>
  );
}

function ResetPassword({ user, onClose }: { user: UserView | null; onClose: () => void }) {
  const reset = useResetPassword();
  const [password, setPassword] = useState('');
  return (
    <Modal opened={!!user} onClose={onClose} title={`New password for ${user?.username ?? ''}`}>
      <Stack>
        <PasswordInput label="New password (at least 8 characters)" value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" data-autofocus />
        <Group justify="flex-end"><Button loading={reset.isPending} onClick={async () => { await reset.mutateAsync({ id: user!.id, password }); saved('Password'); setPassword(''); onClose(); }}>Set password</Button></Group>
      </Stack>
    </Modal>
  );
}

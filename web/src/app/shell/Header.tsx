import { Button, Group, Menu, Text, Title, UnstyledButton } from '@mantine/core';
import { NavLink } from 'react-router';
import type { User } from '@/shared/api';
import { useSignOut } from '@/shared/session/useSession';
import { ThemeToggle } from '@/shared/ui/ThemeToggle';
import { NAV } from '../nav';

export function Header({ user }: { user: User }) {
  const signOut = useSignOut();
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="lg" wrap="nowrap">
        <Title order={1} size="h4">Switchyard</Title>
        <nav aria-label="Main">
          <Group gap="xs">
            {NAV.filter((n) => n.roles.includes(user.role)).map((n) => (
              <Button key={n.path} component={NavLink} to={n.path} variant="subtle" size="compact-md">{n.label}</Button>
            ))}
          </Group>
        </nav>
      </Group>
      <Group gap="sm" wrap="nowrap">
        <Text size="sm" c="dimmed">Press <kbd>?</kbd> for shortcuts</Text>
        <ThemeToggle />
        <Menu position="bottom-end">
          <Menu.Target>
            <UnstyledButton aria-label={`Account menu of ${user.displayName}`} data-testid="user-menu">
              <Text fw={500}>{user.displayName}</Text>
            </UnstyledButton>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{user.username} · {user.role}</Menu.Label>
            <Menu.Item onClick={() => signOut.mutate()}>Sign out</Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Group>
    </Group>
  );
}

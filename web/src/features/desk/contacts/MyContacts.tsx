import { Badge, NavLink as MantineNavLink, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { NavLink, useNavigate } from 'react-router';
import type { ContactSummary } from '@/shared/api';
import { formatTime } from '@/shared/lib/format';
import { useShortcut } from '@/shared/shortcuts/registry';
import { useMyContacts } from './api';

function ContactLink({ c }: { c: ContactSummary }) {
  return (
    <MantineNavLink
      component={NavLink}
      to={`/desk/contacts/${c.id}`}
      label={<Text size="sm" fw={500} lineClamp={1}>{c.subject || '(no subject)'}</Text>}
      description={<Text size="xs" c="dimmed" lineClamp={1}>{c.from?.name || c.from?.address} · {formatTime(c.assignedAt ?? c.createdAt)}</Text>}
      data-testid="my-contact"
    />
  );
}

/** My contacts: what this agent holds (active), switchable with Alt+1..9. */
export function MyContacts({ selectedId }: { selectedId: string | null }) {
  const contacts = useMyContacts();
  const navigate = useNavigate();
  const list = contacts.data ?? [];
  const at = list.findIndex((c) => c.id === selectedId);
  const go = (i: number) => { const c = list[i]; if (c) void navigate(`/desk/contacts/${c.id}`); };
  useShortcut({ keys: ['Alt+ArrowDown', 'J'], label: 'Next contact', group: 'My contacts' }, () => go(Math.min(list.length - 1, at + 1)));
  useShortcut({ keys: ['Alt+ArrowUp', 'K'], label: 'Previous contact', group: 'My contacts' }, () => go(Math.max(0, at - 1)));
  return (
    <Stack gap={4} h="100%" component="section" aria-labelledby="my-contacts-title">
      <Title id="my-contacts-title" order={2} size="h5" px="sm" pt="sm">
        My contacts <Badge size="sm" variant="light">{list.length}</Badge>
      </Title>
      <ScrollArea style={{ flex: 1 }}>
        {list.length === 0 && <Text size="sm" c="dimmed" px="sm">No contacts. Go Ready to receive offers.</Text>}
        {list.map((c) => <ContactLink key={c.id} c={c} />)}
      </ScrollArea>
    </Stack>
  );
}

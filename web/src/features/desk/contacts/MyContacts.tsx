import { Badge, NavLink as MantineNavLink, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { NavLink, useNavigate } from 'react-router';
import type { Agent, ContactSummary } from '@/shared/api';
import { formatTime } from '@/shared/lib/format';
import { useShortcut } from '@/shared/shortcuts/registry';
import { DayFigures } from '../side/DayFigures';
import { WaitingLists } from './WaitingLists';

function ContactLink({ c }: { c: ContactSummary }) {
  const when = c.parked ? (c.remindAt ? `remind ${formatTime(c.remindAt)}` : `parked ${formatTime(c.parkedAt)}`) : formatTime(c.assignedAt ?? c.createdAt);
  return (
    <MantineNavLink
      component={NavLink}
      to={`/desk/contacts/${c.id}`}
      label={<Text size="sm" fw={500} lineClamp={1}>{c.subject || '(no subject)'}</Text>}
      description={<Text size="xs" c="dimmed" lineClamp={1}>{c.from?.name || c.from?.address} · {when}</Text>}
      data-testid={c.parked ? 'parked-contact' : 'my-contact'}
    />
  );
}

function Section({ title, id, items, empty }: { title: string; id: string; items: ContactSummary[]; empty?: string }) {
  return (
    <Stack gap={2} component="section" aria-labelledby={id}>
      <Title id={id} order={2} size="h6" px="sm" pt="xs">{title} <Badge size="sm" variant="light">{items.length}</Badge></Title>
      {items.length === 0 && empty && <Text size="sm" c="dimmed" px="sm">{empty}</Text>}
      {items.map((c) => <ContactLink key={c.id} c={c} />)}
    </Stack>
  );
}

/** My contacts (active and parked), switchable with J/K or Alt+↓/↑; waiting lists; my day. */
export function MyContacts({ me, selectedId }: { me: Agent; selectedId: string | null }) {
  const navigate = useNavigate();
  const active = me.contacts.filter((c) => !c.parked);
  const parked = me.contacts.filter((c) => c.parked);
  const list = [...active, ...parked];
  const at = list.findIndex((c) => c.id === selectedId);
  const go = (i: number) => { const c = list[i]; if (c) void navigate(`/desk/contacts/${c.id}`); };
  useShortcut({ keys: ['Alt+ArrowDown', 'J'], label: 'Next contact', group: 'My contacts' }, () => go(Math.min(list.length - 1, at + 1)));
  useShortcut({ keys: ['Alt+ArrowUp', 'K'], label: 'Previous contact', group: 'My contacts' }, () => go(Math.max(0, at - 1)));
  return (
    <Stack gap={0} h="100%">
      <ScrollArea style={{ flex: 1 }}>
        <Section title="My contacts" id="my-contacts-title" items={active} empty={me.state === 'ready' ? 'Waiting for an offer…' : 'Go Ready to receive offers.'} />
        <Section title="Parked" id="parked-title" items={parked} />
        <WaitingLists lists={me.waitingLists} />
      </ScrollArea>
      <div style={{ padding: '6px 12px', borderTop: '1px solid var(--mantine-color-default-border)' }}><DayFigures /></div>
    </Stack>
  );
}

import { Badge, Button, Group, Modal, NavLink, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Agent } from '@/shared/api';
import { formatTime } from '@/shared/lib/format';
import { usePick, useWaitingList } from './api';

type List = Agent['waitingLists'][number];

function ListDialog({ list, onClose }: { list: List; onClose: () => void }) {
  const contacts = useWaitingList(list.id);
  const pick = usePick(list.id);
  const navigate = useNavigate();
  return (
    <Modal opened onClose={onClose} title={`Waiting list: ${list.name}`} size="lg">
      <Stack gap="xs">
        {contacts.data?.length === 0 && <Text c="dimmed">Nobody is waiting.</Text>}
        {contacts.data?.map((c) => (
          <Group key={c.id} justify="space-between" wrap="nowrap">
            <div>
              <Text size="sm" fw={500} lineClamp={1}>{c.subject || '(no subject)'}</Text>
              <Text size="xs" c="dimmed">{c.from?.address} · waiting since {formatTime(c.queuedAt)}</Text>
            </div>
            <Button size="compact-sm" loading={pick.isPending && pick.variables === c.id}
              onClick={() => pick.mutate(c.id, { onSuccess: () => { onClose(); void navigate(`/desk/contacts/${c.id}`); } })}>Pick</Button>
          </Group>
        ))}
      </Stack>
    </Modal>
  );
}

/** The waiting lists I may serve, with how many wait; open one to pick a contact. */
export function WaitingLists({ lists }: { lists: List[] }) {
  const [open, setOpen] = useState<List | null>(null);
  if (lists.length === 0) return null;
  return (
    <Stack gap={2} component="section" aria-labelledby="waiting-lists-title">
      <Title id="waiting-lists-title" order={2} size="h6" px="sm">Waiting lists</Title>
      {lists.map((l) => (
        <NavLink key={l.id} label={l.name} rightSection={<Badge size="sm" variant="light">{l.waiting}</Badge>} onClick={() => setOpen(l)} py={4} />
      ))}
      {open && <ListDialog list={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}

import { Button, Group, Kbd } from '@mantine/core';
import { useNavigate } from 'react-router';
import type { ContactDetail } from '@/shared/api';
import { useShortcut } from '@/shared/shortcuts/registry';
import { useCloseContact } from './api';

/** What I can do with the contact I am reading. */
export function ContactActions({ contact }: { contact: ContactDetail }) {
  const navigate = useNavigate();
  const close = useCloseContact(contact.id);
  const mine = contact.status === 'assigned';
  const doClose = () => close.mutate(undefined, { onSuccess: () => void navigate('/desk') });
  useShortcut({ keys: ['Alt+C'], label: 'Close the contact', group: 'Contact' }, doClose, mine);
  if (!mine) return null;
  return (
    <Group gap="xs" aria-label="Contact actions" role="toolbar">
      <Button size="compact-sm" onClick={doClose} loading={close.isPending}>Close <Kbd size="xs" ml={6}>Alt+C</Kbd></Button>
    </Group>
  );
}

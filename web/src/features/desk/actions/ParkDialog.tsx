import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { usePark } from './api';

/** Park: set the contact aside (it stays mine, frees a capacity unit), optionally with a reminder. */
export function ParkDialog({ contactId, opened, onClose, onDone, parkedCount, maxParked }: {
  contactId: string; opened: boolean; onClose: () => void; onDone: () => void; parkedCount: number; maxParked: number;
}) {
  const park = usePark(contactId);
  const [remind, setRemind] = useState('');
  const submit = () => park.mutate(remind ? new Date(remind).toISOString() : undefined, { onSuccess: onDone });
  return (
    <Modal opened={opened} onClose={onClose} title="Park the contact">
      <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <Stack>
          <Text size="sm">It stays yours and frees a unit of your capacity. Parked now: {parkedCount} of {maxParked}.</Text>
          <TextInput type="datetime-local" label="Remind me at (optional)" value={remind} onChange={(e) => setRemind(e.currentTarget.value)} data-autofocus />
          <Group justify="flex-end"><Button type="submit" loading={park.isPending}>Park</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}

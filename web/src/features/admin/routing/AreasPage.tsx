import { Button, Group, NumberInput, Select, Stack, Table, TagsInput, TextInput, Switch } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { applyApiErrors } from '../ui/apiErrors';
import { EditDrawer } from '../ui/EditDrawer';
import { FormError, LoadError, Page } from '../ui/Page';
import { useAreas, useQueues, useSaveArea, type Area } from './api';

interface Values extends Record<string, unknown> {
  name: string; unlimited: boolean; defaultWrapUp: number; followUpPreferredSeconds: number; noRoutingQueueId: string; pauseReasons: string[]; maxParked: number;
}

function AreaForm({ area, onDone }: { area: Area | null; onDone: () => void }) {
  const queues = useQueues();
  const form = useForm<Values>({
    initialValues: {
      name: area?.name ?? '', unlimited: area?.defaultWrapUp === 'unlimited', defaultWrapUp: typeof area?.defaultWrapUp === 'number' ? area.defaultWrapUp : 30,
      followUpPreferredSeconds: area?.followUpPreferredSeconds ?? 0, noRoutingQueueId: area?.noRoutingQueueId ?? '', pauseReasons: area?.pauseReasons ?? [], maxParked: area?.maxParked ?? 3,
    },
  });
  const save = useSaveArea();
  const [error, setError] = useState<string | null>(null);
  const v = form.getValues();
  const submit = form.onSubmit(async (v) => {
    setError(null);
    try {
      await save.mutateAsync({ id: area?.id ?? null, body: {
        name: v.name, defaultWrapUp: v.unlimited ? 'unlimited' : v.defaultWrapUp, followUpPreferredSeconds: v.followUpPreferredSeconds,
        ...(v.noRoutingQueueId ? { noRoutingQueueId: v.noRoutingQueueId } : {}), pauseReasons: v.pauseReasons, maxParked: v.maxParked,
      } });
      onDone();
    } catch (err) { setError(applyApiErrors(form, err)); }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError message={error} />
        <TextInput label="Name" required {...form.getInputProps('name')} />
        <TagsInput label="Pause reasons" description="Press Enter after each" {...form.getInputProps('pauseReasons')} />
        <Switch label="Wrap-up without a time limit" {...form.getInputProps('unlimited', { type: 'checkbox' })} />
        {!v.unlimited && <NumberInput label="Wrap-up (seconds)" min={0} {...form.getInputProps('defaultWrapUp')} />}
        <NumberInput label="Follow-up time (seconds a reply waits for its previous agent)" min={0} {...form.getInputProps('followUpPreferredSeconds')} />
        <NumberInput label="Most parked contacts per agent" min={0} {...form.getInputProps('maxParked')} />
        <Select label="Queue when no routing rule matches" data={(queues.data ?? []).map((q) => ({ value: q.id, label: q.name }))} clearable {...form.getInputProps('noRoutingQueueId')} />
        <Group justify="flex-end"><Button type="submit" loading={save.isPending}>{area ? 'Save' : 'Add area'}</Button></Group>
      </Stack>
    </form>
  );
}

/** Areas: pause reasons, wrap-up, follow-up time. */
export function AreasPage() {
  const areas = useAreas();
  const [editing, setEditing] = useState<Area | 'new' | null>(null);
  return (
    <Page title="Areas" actions={<Button onClick={() => setEditing('new')}>Add area</Button>}>
      <LoadError error={areas.error} />
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Pause reasons</Table.Th><Table.Th>Wrap-up</Table.Th><Table.Th>Follow-up</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {areas.data?.map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td>{a.name}</Table.Td><Table.Td>{a.pauseReasons.join(', ')}</Table.Td>
              <Table.Td>{a.defaultWrapUp === 'unlimited' ? 'unlimited' : `${a.defaultWrapUp} s`}</Table.Td><Table.Td>{a.followUpPreferredSeconds} s</Table.Td>
              <Table.Td><Button size="xs" variant="default" onClick={() => setEditing(a)} aria-label={`Edit ${a.name}`}>Edit</Button></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <EditDrawer editing={editing} onClose={() => setEditing(null)} noun="area">
        {(item) => <AreaForm area={item} onDone={() => setEditing(null)} />}
      </EditDrawer>
    </Page>
  );
}

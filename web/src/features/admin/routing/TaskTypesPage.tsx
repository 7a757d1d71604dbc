import { Button, Group, NumberInput, Select, Stack, Switch, Table, TagsInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { applyApiErrors } from '../ui/apiErrors';
import { EditDrawer } from '../ui/EditDrawer';
import { FormError, LoadError, Page } from '../ui/Page';
import { useAreas, useSaveTaskType, useTaskTypes, type TaskType } from './api';

interface Values extends Record<string, unknown> { name: string; areaId: string; unlimited: boolean; wrapUp: number | ''; wrapUpCodes: string[] }

function TaskTypeForm({ taskType, onDone }: { taskType: TaskType | null; onDone: () => void }) {
  const areas = useAreas();
  const form = useForm<Values>({
    initialValues: {
      name: taskType?.name ?? '', areaId: taskType?.areaId ?? '', unlimited: taskType?.wrapUp === 'unlimited',
      wrapUp: typeof taskType?.wrapUp === 'number' ? taskType.wrapUp : '', wrapUpCodes: taskType?.wrapUpCodes ?? [],
    },
  });
  const save = useSaveTaskType();
  const [error, setError] = useState<string | null>(null);
  const v = form.getValues();
  return (
    <form noValidate onSubmit={form.onSubmit(async (v) => {
      setError(null);
      try {
        await save.mutateAsync({ id: taskType?.id ?? null, body: {
          name: v.name, ...(v.areaId ? { areaId: v.areaId } : {}), wrapUpCodes: v.wrapUpCodes,
          ...(v.unlimited ? { wrapUp: 'unlimited' as const } : v.wrapUp !== '' ? { wrapUp: v.wrapUp } : {}),
        } });
        onDone();
      } catch (err) { setError(applyApiErrors(form, err)); }
    })}>
      <Stack gap="sm">
        <FormError message={error} />
        <TextInput label="Name" required {...form.getInputProps('name')} />
        <Select label="Area" data={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))} placeholder="default" {...form.getInputProps('areaId')} />
        <TagsInput label="Wrap-up codes" description="What the agent records when closing; press Enter after each" {...form.getInputProps('wrapUpCodes')} />
        <Switch label="Wrap-up without a time limit" {...form.getInputProps('unlimited', { type: 'checkbox' })} />
        {!v.unlimited && <NumberInput label="Wrap-up (seconds; empty: the area's)" min={0} {...form.getInputProps('wrapUp')} />}
        <Group justify="flex-end"><Button type="submit" loading={save.isPending}>{taskType ? 'Save' : 'Add task type'}</Button></Group>
      </Stack>
    </form>
  );
}

/** Task types with their wrap-up and wrap-up codes. */
export function TaskTypesPage() {
  const types = useTaskTypes();
  const [editing, setEditing] = useState<TaskType | 'new' | null>(null);
  return (
    <Page title="Task types" actions={<Button onClick={() => setEditing('new')}>Add task type</Button>}>
      <LoadError error={types.error} />
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Wrap-up</Table.Th><Table.Th>Wrap-up codes</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {types.data?.map((t) => (
            <Table.Tr key={t.id}>
              <Table.Td>{t.name}</Table.Td><Table.Td>{t.wrapUp === 'unlimited' ? 'unlimited' : `${t.wrapUp} s`}</Table.Td><Table.Td>{t.wrapUpCodes.join(', ')}</Table.Td>
              <Table.Td><Button size="xs" variant="default" onClick={() => setEditing(t)} aria-label={`Edit ${t.name}`}>Edit</Button></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <EditDrawer editing={editing} onClose={() => setEditing(null)} noun="task type">
        {(item) => <TaskTypeForm taskType={item} onDone={() => setEditing(null)} />}
      </EditDrawer>
    </Page>
  );
}

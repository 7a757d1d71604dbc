import { Button, Group, Paper, SegmentedControl, Select, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { applyApiErrors } from '../ui/apiErrors';
import { ConfirmButton } from '../ui/ConfirmButton';
import { FormError, LoadError, Page } from '../ui/Page';
import { useAddSkill, useAreas, useDeleteSkill, useSkills } from './api';

/** Skills (agents hold them at levels 1-9) and groups, per area. */
export function SkillsPage() {
  const skills = useSkills();
  const areas = useAreas();
  const add = useAddSkill();
  const remove = useDeleteSkill();
  const form = useForm<{ areaId: string; name: string; kind: 'skill' | 'group' }>({ initialValues: { areaId: 'default', name: '', kind: 'skill' } });
  const [error, setError] = useState<string | null>(null);
  const areaName = (id: string) => areas.data?.find((a) => a.id === id)?.name ?? id;
  return (
    <Page title="Skills and groups">
      <LoadError error={skills.error} />
      <Paper withBorder p="sm" component="form" onSubmit={form.onSubmit(async (v) => {
        setError(null);
        try { await add.mutateAsync(v); form.setFieldValue('name', ''); } catch (err) { setError(applyApiErrors(form, err)); }
      })}>
        <FormError message={error} />
        <Group align="flex-end">
          <Select label="Area" data={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))} allowDeselect={false} {...form.getInputProps('areaId')} />
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <SegmentedControl aria-label="Kind" data={[{ value: 'skill', label: 'Skill' }, { value: 'group', label: 'Group' }]} {...form.getInputProps('kind')} />
          <Button type="submit" loading={add.isPending}>Add</Button>
        </Group>
      </Paper>
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Kind</Table.Th><Table.Th>Area</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {skills.data?.map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>{s.name}</Table.Td><Table.Td>{s.kind}</Table.Td><Table.Td>{areaName(s.areaId)}</Table.Td>
              <Table.Td><ConfirmButton question={`Remove the ${s.kind} ${s.name}?`} onConfirm={() => remove.mutate(s.id)} aria-label={`Remove ${s.name}`}>Remove</ConfirmButton></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Page>
  );
}

import { ActionIcon, Button, Checkbox, Code, Group, NumberInput, SegmentedControl, Select, Stack, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { applyApiErrors } from '../ui/apiErrors';
import { EditDrawer, RowActions } from '../ui/EditDrawer';
import { FormError, LoadError, Page } from '../ui/Page';
import { useDeletePattern, usePatterns, useSavePattern, type Pattern } from './api';

type PartKind = 'digit' | 'letter' | 'capital' | 'any' | 'literal';
interface Part { kind: PartKind; literal: string; min: number; max: number; save: boolean }
interface Values extends Record<string, unknown> { kind: 'sequence' | 'regex'; name: string; key: string; parts: Part[]; regex: string; ignoreCase: boolean }

function PatternForm({ pattern, onDone }: { pattern: Pattern | null; onDone: () => void }) {
  const form = useForm<Values>({
    initialValues: {
      kind: (pattern?.kind as Values['kind']) ?? 'sequence', name: pattern?.name ?? '', key: pattern?.key ?? '',
      parts: (pattern?.parts ?? []).map((p) => ({ kind: p.kind as PartKind, literal: p.literal ?? '', min: p.min, max: p.max, save: p.save })),
      regex: pattern?.regex ?? '', ignoreCase: pattern?.ignoreCase ?? false,
    },
  });
  const save = useSavePattern();
  const [error, setError] = useState<string | null>(null);
  const v = form.getValues();
  return (
    <form noValidate onSubmit={form.onSubmit(async (v) => {
      setError(null);
      const body = v.kind === 'regex'
        ? { kind: 'regex' as const, name: v.name, key: v.key, regex: v.regex, ignoreCase: v.ignoreCase }
        : { kind: 'sequence' as const, name: v.name, key: v.key, parts: v.parts.map((p) => ({ kind: p.kind, min: p.min, max: p.max, save: p.save, ...(p.kind === 'literal' ? { literal: p.literal } : {}) })) };
      try { await save.mutateAsync({ id: pattern?.id ?? null, body }); onDone(); } catch (err) { setError(applyApiErrors(form, err)); }
    })}>
      <Stack gap="sm">
        <FormError message={error} />
        <TextInput label="Name" required {...form.getInputProps('name')} />
        <TextInput label="Contact data key" description="Where the found value is stored, e.g. orderNumber" required {...form.getInputProps('key')} />
        <SegmentedControl aria-label="Pattern kind" data={[{ value: 'sequence', label: 'Sequence of parts' }, { value: 'regex', label: 'Regular expression' }]} {...form.getInputProps('kind')} />
        {v.kind === 'regex' ? <>
          <TextInput label="Regular expression (RE2)" styles={{ input: { fontFamily: 'monospace' } }} {...form.getInputProps('regex')} />
          <Checkbox label="Ignore case" {...form.getInputProps('ignoreCase', { type: 'checkbox' })} />
        </> : (
          <Stack gap={4}>
            {v.parts.map((p, i) => (
              <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
                <Select aria-label={`Part ${i + 1} kind`} data={['digit', 'letter', 'capital', 'any', 'literal']} allowDeselect={false} w={110} {...form.getInputProps(`parts.${i}.kind`)} />
                {p.kind === 'literal' && <TextInput aria-label={`Part ${i + 1} text`} w={100} {...form.getInputProps(`parts.${i}.literal`)} />}
                <NumberInput aria-label={`Part ${i + 1} at least`} min={0} w={80} {...form.getInputProps(`parts.${i}.min`)} />
                <NumberInput aria-label={`Part ${i + 1} at most`} min={1} w={80} {...form.getInputProps(`parts.${i}.max`)} />
                <Checkbox label="keep" {...form.getInputProps(`parts.${i}.save`, { type: 'checkbox' })} />
                <ActionIcon variant="default" aria-label={`Remove part ${i + 1}`} onClick={() => form.removeListItem('parts', i)}>×</ActionIcon>
              </Group>
            ))}
            <Group><Button size="compact-xs" variant="subtle" onClick={() => form.insertListItem('parts', { kind: 'digit', literal: '', min: 1, max: 1, save: true })}>Add part</Button></Group>
          </Stack>
        )}
        <Group justify="flex-end"><Button type="submit" loading={save.isPending}>{pattern ? 'Save' : 'Add pattern'}</Button></Group>
      </Stack>
    </form>
  );
}

const describe = (p: Pattern) => (p.regex ? p.regex : (p.parts ?? []).map((x) => (x.kind === 'literal' ? `"${x.literal}"` : `${x.kind}{${x.min},${x.max}}`)).join(' '));

/** Patterns: order numbers, customer numbers… found in the mail and kept as contact data. */
export function PatternsPage() {
  const patterns = usePatterns();
  const remove = useDeletePattern();
  const [editing, setEditing] = useState<Pattern | 'new' | null>(null);
  return (
    <Page title="Patterns" actions={<Button onClick={() => setEditing('new')}>Add pattern</Button>}>
      <LoadError error={patterns.error} />
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Key</Table.Th><Table.Th>Pattern</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {patterns.data?.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>{p.name}</Table.Td><Table.Td>{p.key}</Table.Td><Table.Td><Code>{describe(p)}</Code></Table.Td>
              <Table.Td><RowActions name={p.name} onEdit={() => setEditing(p)} question={`Delete the pattern ${p.name}?`} onDelete={() => remove.mutate(p.id)} /></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <EditDrawer editing={editing} onClose={() => setEditing(null)} noun="pattern" size="lg">
        {(item) => <PatternForm pattern={item} onDone={() => setEditing(null)} />}
      </EditDrawer>
    </Page>
  );
}

import { Badge, Button, Checkbox, Group, Modal, SegmentedControl, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { applyApiErrors } from '../ui/apiErrors';
import { failed, linesOf, saved } from '../ui/notify';
import { EditDrawer, RowActions } from '../ui/EditDrawer';
import { FormError, LoadError, Page } from '../ui/Page';
import { exportCategories, useCategories, useDeleteCategory, useImportCategories, useSaveCategory, type Category } from './api';

interface Values extends Record<string, unknown> { name: string; keywords: string; active: boolean; language: string }

function CategoryForm({ category, onDone }: { category: Category | null; onDone: () => void }) {
  const form = useForm<Values>({ initialValues: { name: category?.name ?? '', keywords: (category?.keywords ?? []).join('\n'), active: category?.active ?? true, language: category?.language ?? '' } });
  const save = useSaveCategory();
  const [error, setError] = useState<string | null>(null);
  const submit = form.onSubmit(async (v) => {
    setError(null);
    try {
      await save.mutateAsync({ id: category?.id ?? null, body: { name: v.name, keywords: linesOf(v.keywords), active: v.active, language: v.language || null } });
      onDone();
    } catch (err) { setError(applyApiErrors(form, err)); }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError message={error} />
        <TextInput label="Name" required {...form.getInputProps('name')} />
        <Textarea label="Keywords (one per line; * as a wildcard)" autosize minRows={6} required {...form.getInputProps('keywords')} />
        <TextInput label="Language (ISO code; empty: any)" {...form.getInputProps('language')} />
        <Checkbox label="Active" {...form.getInputProps('active', { type: 'checkbox' })} />
        <Group justify="flex-end"><Button type="submit" loading={save.isPending}>{category ? 'Save' : 'Add category'}</Button></Group>
      </Stack>
    </form>
  );
}

/** Import/export as the text file: what people edit outside Switchyard. */
function ImportExport({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<'merge' | 'replace'>('merge');
  const imp = useImportCategories();
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal opened={opened} onClose={onClose} title="Import or export categories" size="lg">
      <Stack gap="sm">
        <Button variant="default" onClick={async () => { try { setText(await exportCategories()); } catch (err) { failed('Export failed')(err); } }}>Load the current export</Button>
        <Textarea label="Categories as text" autosize minRows={10} maxRows={20} value={text} onChange={(e) => setText(e.currentTarget.value)} styles={{ input: { fontFamily: 'monospace' } }} />
        <SegmentedControl value={mode} onChange={(m) => setMode(m as 'merge' | 'replace')} data={[{ value: 'merge', label: 'Merge' }, { value: 'replace', label: 'Replace all' }]} aria-label="Import mode" />
        <FormError message={error} />
        <Group justify="flex-end">
          <Button onClick={async () => {
            setError(null);
            try { const r = await imp.mutateAsync({ text, mode }); saved(`Import: ${r.created} created, ${r.updated} updated, ${r.deleted} deleted;`); onClose(); }
            catch (err) { setError(err instanceof Error ? err.message : String(err)); }
          }} loading={imp.isPending}>Import</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Keyword categories: the words the analysis looks for. */
export function CategoriesPage() {
  const categories = useCategories();
  const remove = useDeleteCategory();
  const [editing, setEditing] = useState<Category | 'new' | null>(null);
  const [io, setIo] = useState(false);
  return (
    <Page title="Keyword categories" actions={<><Button variant="default" onClick={() => setIo(true)}>Import / export</Button><Button onClick={() => setEditing('new')}>Add category</Button></>}>
      <LoadError error={categories.error} />
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Keywords</Table.Th><Table.Th>Language</Table.Th><Table.Th>State</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {categories.data?.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{c.name}</Table.Td>
              <Table.Td><Text size="sm" lineClamp={2}>{c.keywords.join(', ')}</Text></Table.Td>
              <Table.Td>{c.language ?? 'any'}</Table.Td>
              <Table.Td>{c.active ? <Badge variant="light">active</Badge> : <Badge color="gray" variant="light">inactive</Badge>}</Table.Td>
              <Table.Td><RowActions name={c.name} onEdit={() => setEditing(c)} question={`Delete the category ${c.name}?`} onDelete={() => remove.mutate(c.id)} /></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <EditDrawer editing={editing} onClose={() => setEditing(null)} noun="category" size="md">
        {(item) => <CategoryForm category={item} onDone={() => setEditing(null)} />}
      </EditDrawer>
      <ImportExport opened={io} onClose={() => setIo(false)} />
    </Page>
  );
}

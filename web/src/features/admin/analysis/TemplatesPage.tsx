import { ActionIcon, Button, Group, Paper, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { applyApiErrors } from '../ui/apiErrors';
import { EditDrawer, RowActions } from '../ui/EditDrawer';
import { FormError, LoadError, Page } from '../ui/Page';
import { useDeleteTemplate, useSaveTemplate, useTemplates, type Template } from './api';
import { TemplatePreview } from './TemplatePreview';

/** The variables the server fills in (the API refuses unknown ones, beside the field); the last two only in automatic answers. */
const VARIABLES = ['customer.name', 'customer.email', 'case.number', 'agent.name', 'agent.email', 'contact.subject', 'entrance.name', 'estimatedWait', 'openingHours'];
interface Version { language: string; subject: string; body: string }
interface Values extends Record<string, unknown> { name: string; defaultLanguage: string; versions: Version[] }

function TemplateForm({ template, onDone }: { template: Template | null; onDone: () => void }) {
  const versions = Object.entries((template?.versions ?? {}) as Record<string, { subject: string; body: string }>).map(([language, v]) => ({ language, ...v }));
  const form = useForm<Values>({ initialValues: { name: template?.name ?? '', defaultLanguage: template?.defaultLanguage ?? 'en', versions: versions.length ? versions : [{ language: 'en', subject: '', body: '' }] } });
  const save = useSaveTemplate();
  const [error, setError] = useState<string | null>(null);
  const v = form.getValues();
  return (
    <form noValidate onSubmit={form.onSubmit(async (v) => {
      setError(null);
      try {
        await save.mutateAsync({ id: template?.id ?? null, body: { name: v.name, defaultLanguage: v.defaultLanguage, versions: Object.fromEntries(v.versions.map((x) => [x.language, { subject: x.subject, body: x.body }])) } });
        onDone();
      } catch (err) {
        // 'versions.de.body' → the form's 'versions.<index>.body'
        const aliases = Object.fromEntries(v.versions.flatMap((x, i) => ['subject', 'body'].map((f) => [`versions.${x.language}.${f}`, `versions.${i}.${f}`])));
        setError(applyApiErrors(form, err, aliases));
      }
    })}>
      <Stack gap="sm">
        <FormError message={error} />
        <TextInput label="Name" required {...form.getInputProps('name')} />
        <TextInput label="Default language (used when the mail's language has no version)" {...form.getInputProps('defaultLanguage')} />
        <Text size="sm">Variables: {VARIABLES.map((x) => <code key={x} style={{ marginRight: 8 }}>{`{{${x}}}`}</code>)}</Text>
        {v.versions.map((_, i) => (
          <Paper key={i} withBorder p="sm">
            <Group justify="space-between" mb={4}>
              <TextInput aria-label={`Version ${i + 1} language`} label="Language" w={120} {...form.getInputProps(`versions.${i}.language`)} />
              <ActionIcon variant="default" aria-label={`Remove version ${i + 1}`} onClick={() => form.removeListItem('versions', i)} disabled={v.versions.length === 1}>×</ActionIcon>
            </Group>
            <TextInput label="Subject" {...form.getInputProps(`versions.${i}.subject`)} />
            <Textarea label="Text" autosize minRows={5} {...form.getInputProps(`versions.${i}.body`)} />
          </Paper>
        ))}
        <Group><Button size="compact-xs" variant="subtle" onClick={() => form.insertListItem('versions', { language: '', subject: '', body: '' })}>Add language version</Button></Group>
        {template ? <TemplatePreview templateId={template.id} versions={v.versions} /> : <Text size="sm" c="dimmed">Add the template to preview it.</Text>}
        <Group justify="flex-end"><Button type="submit" loading={save.isPending}>{template ? 'Save' : 'Add template'}</Button></Group>
      </Stack>
    </form>
  );
}

/** Automatic-answer templates, one version per language. */
export function TemplatesPage() {
  const templates = useTemplates();
  const remove = useDeleteTemplate();
  const [editing, setEditing] = useState<Template | 'new' | null>(null);
  return (
    <Page title="Answer templates" actions={<Button onClick={() => setEditing('new')}>Add template</Button>}>
      <LoadError error={templates.error} />
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Languages</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {templates.data?.map((t) => (
            <Table.Tr key={t.id}>
              <Table.Td>{t.name}</Table.Td><Table.Td>{Object.keys(t.versions).join(', ')} (default {t.defaultLanguage})</Table.Td>
              <Table.Td><RowActions name={t.name} onEdit={() => setEditing(t)} question={`Delete the template ${t.name}?`} onDelete={() => remove.mutate(t.id)} /></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <EditDrawer editing={editing} onClose={() => setEditing(null)} noun="template" size="lg">
        {(item) => <TemplateForm template={item} onDone={() => setEditing(null)} />}
      </EditDrawer>
    </Page>
  );
}

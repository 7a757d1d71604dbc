import { Select } from '@mantine/core';
import { messageOf } from '@/shared/api';
import { renderTemplate, type AnswerOptions, type Rendered } from './api';

/** A canned answer, rendered on the server from current data (never from what the browser has). */
export function TemplatePicker({ contactId, templates, value, onRendered, onError }: {
  contactId: string; templates: AnswerOptions['templates']; value: string | null | undefined;
  onRendered: (templateId: string, r: Rendered) => void; onError: (message: string) => void;
}) {
  if (templates.length === 0) return null;
  const pick = async (id: string | null) => {
    if (!id) return;
    try { onRendered(id, await renderTemplate(contactId, id)); } catch (err) { onError(messageOf(err)); }
  };
  return (
    <Select label="Template" placeholder="Insert a canned answer" data={templates.map((t) => ({ value: t.id, label: t.name }))} value={value ?? null}
      onChange={(id) => void pick(id)} searchable size="xs" w={220} comboboxProps={{ withinPortal: true }} />
  );
}

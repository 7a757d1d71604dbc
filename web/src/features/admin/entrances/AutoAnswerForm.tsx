import { ActionIcon, Button, Fieldset, Group, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { messageOf } from '@/shared/api';
import { useTemplates } from '../analysis/api';
import { saved } from '../ui/notify';
import { FormError } from '../ui/Page';
import { useSaveAutoAnswer, type AutoAnswer, type AutoAnswerBody } from './api';

type Rule = AutoAnswerBody extends { rules?: (infer R)[] } ? R : never;

/** The automatic answer of an entrance: always, never, or by rules on the contact data; template and quoting. */
export function AutoAnswerForm({ entranceId, current }: { entranceId: string; current: AutoAnswer }) {
  const templates = useTemplates();
  const save = useSaveAutoAnswer(entranceId);
  const [mode, setMode] = useState(current.mode);
  const [templateId, setTemplateId] = useState<string | null>(current.templateId);
  const [rules, setRules] = useState<Rule[]>(current.rules);
  const [fallbackTemplateId, setFallback] = useState<string | null>(current.fallbackTemplateId);
  const [quoting, setQuoting] = useState(current.quoting);
  const [quotePrefix, setQuotePrefix] = useState(current.quotePrefix);
  const [openingHours, setOpeningHours] = useState(current.openingHours ?? '');
  const [error, setError] = useState<string | null>(null);
  const tOpts = (templates.data ?? []).map((t) => ({ value: t.id, label: t.name }));
  const setRule = (i: number, r: Partial<Rule>) => setRules(rules.map((x, j) => (j === i ? { ...x, ...r } : x)));
  return (
    <Stack gap="sm">
      <FormError message={error} />
      <Select label="Answer automatically" allowDeselect={false} value={mode} onChange={(m) => setMode(m as typeof mode)}
        data={[{ value: 'never', label: 'Never' }, { value: 'always', label: 'Always' }, { value: 'conditional', label: 'By rules' }]} />
      {mode === 'always' && <Select label="Template" data={tOpts} value={templateId} onChange={setTemplateId} />}
      {mode === 'conditional' && (
        <Fieldset legend="Rules (first match gives the template)">
          <Stack gap={4}>
            {rules.map((r, i) => (
              <Group key={i} gap="xs" wrap="nowrap">
                <TextInput aria-label={`Rule ${i + 1} key`} placeholder="key" value={r.key} onChange={(e) => setRule(i, { key: e.currentTarget.value })} w={140} />
                <Select aria-label={`Rule ${i + 1} comparison`} data={['equals', 'contains']} value={r.op} allowDeselect={false} onChange={(op) => setRule(i, { op: op as Rule['op'] })} w={110} />
                <TextInput aria-label={`Rule ${i + 1} value`} placeholder="value" value={r.value} onChange={(e) => setRule(i, { value: e.currentTarget.value })} />
                <Select aria-label={`Rule ${i + 1} template`} data={tOpts} value={r.templateId || null} onChange={(t) => setRule(i, { templateId: t ?? '' })} w={180} />
                <ActionIcon variant="default" aria-label={`Remove rule ${i + 1}`} onClick={() => setRules(rules.filter((_, j) => j !== i))}>×</ActionIcon>
              </Group>
            ))}
            <Group><Button size="compact-xs" variant="subtle" onClick={() => setRules([...rules, { key: 'categories', op: 'equals', value: '', templateId: '' }])}>Add rule</Button></Group>
            <Select label="Otherwise" data={tOpts} value={fallbackTemplateId} onChange={setFallback} clearable placeholder="no answer" />
          </Stack>
        </Fieldset>
      )}
      <Group grow>
        <Select label="Quote the customer's mail" allowDeselect={false} value={quoting} onChange={(q) => setQuoting(q as typeof quoting)}
          data={[{ value: 'none', label: 'No' }, { value: 'before', label: 'Above the answer' }, { value: 'after', label: 'Below the answer' }]} />
        <TextInput label="Quote prefix" value={quotePrefix} onChange={(e) => setQuotePrefix(e.currentTarget.value)} />
      </Group>
      <Textarea label="Text for {{openingHours}}" autosize minRows={2} value={openingHours} onChange={(e) => setOpeningHours(e.currentTarget.value)} />
      <Group justify="flex-end">
        <Button loading={save.isPending} onClick={async () => {
          setError(null);
          try {
            await save.mutateAsync({ mode, templateId, rules, fallbackTemplateId, quoting, quotePrefix, openingHours: openingHours || null });
            saved('Automatic answer');
          } catch (err) { setError(messageOf(err)); }
        }}>Save automatic answer</Button>
      </Group>
    </Stack>
  );
}

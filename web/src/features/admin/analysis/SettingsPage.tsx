import { ActionIcon, Button, Fieldset, Group, NumberInput, Stack, TagsInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { applyApiErrors } from '../ui/apiErrors';
import { saved } from '../ui/notify';
import { FormError, LoadError, Page } from '../ui/Page';
import { useSaveSettings, useSettings, type Settings } from './api';

/** Analysis settings: automatic-answer rate limits, the language minimum length, the case tag prefix, own domains. */
export function SettingsPage() {
  const settings = useSettings();
  const form = useForm<Settings & Record<string, unknown>>({ initialValues: { rateLimits: [], languageMinLength: 20, caseTagPrefix: '', ownDomains: [] } });
  const [loaded, setLoaded] = useState(false);
  useEffect(() => { if (settings.data && !loaded) { form.setValues(settings.data); setLoaded(true); } }, [settings.data, loaded, form]);
  const save = useSaveSettings();
  const [error, setError] = useState<string | null>(null);
  const v = form.getValues();
  return (
    <Page title="Analysis settings">
      <LoadError error={settings.error} />
      <form noValidate onSubmit={form.onSubmit(async (v) => {
        setError(null);
        try { await save.mutateAsync(v); saved('Settings'); } catch (err) { setError(applyApiErrors(form, err)); }
      })}>
        <Stack gap="sm" maw={640}>
          <FormError message={error} />
          <Fieldset legend="Automatic answers to one sender: at most">
            <Stack gap={4}>
              {v.rateLimits.map((_, i) => (
                <Group key={i} gap="xs" align="flex-end">
                  <NumberInput label="answers" min={0} w={120} {...form.getInputProps(`rateLimits.${i}.max`)} />
                  <NumberInput label="per minutes" min={1} w={140} {...form.getInputProps(`rateLimits.${i}.windowMinutes`)} />
                  <ActionIcon variant="default" size="lg" aria-label={`Remove limit ${i + 1}`} onClick={() => form.removeListItem('rateLimits', i)}>×</ActionIcon>
                </Group>
              ))}
              <Group><Button size="compact-xs" variant="subtle" onClick={() => form.insertListItem('rateLimits', { max: 1, windowMinutes: 60 })}>Add limit</Button></Group>
            </Stack>
          </Fieldset>
          <NumberInput label="Shortest text to detect the language of (characters)" min={0} {...form.getInputProps('languageMinLength')} />
          <TextInput label="Case tag prefix (in subjects, e.g. [SY-123])" {...form.getInputProps('caseTagPrefix')} />
          <TagsInput label="Own domains (mail from them is not answered automatically)" {...form.getInputProps('ownDomains')} />
          <Group justify="flex-end"><Button type="submit" loading={save.isPending}>Save settings</Button></Group>
        </Stack>
      </form>
    </Page>
  );
}

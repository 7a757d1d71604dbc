import { Alert, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { api, messageOf, ok, type ResponseOf } from '@/shared/api';

type Preview = ResponseOf<'/api/v1/answer-templates/{id}/preview', 'post'>;
interface Version { language: string; subject: string; body: string }

/**
 * The server renders the template as in an agent's answer — the text as typed, not yet saved —
 * with sample data or a chosen contact's, and says which variables it could not fill.
 */
export function TemplatePreview({ templateId, versions }: { templateId: string; versions: Version[] }) {
  const languages = versions.map((v) => v.language).filter(Boolean);
  const [language, setLanguage] = useState<string | null>(languages[0] ?? null);
  const [contactId, setContactId] = useState('');
  const [result, setResult] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    const v = versions.find((x) => x.language === language) ?? versions[0];
    if (!v) return;
    setBusy(true); setError(null);
    try {
      setResult(await ok(api.POST('/api/v1/answer-templates/{id}/preview', {
        params: { path: { id: templateId } },
        body: { language: v.language, version: { subject: v.subject, body: v.body }, ...(contactId.trim() ? { contactId: contactId.trim() } : {}) },
      })));
    } catch (err) { setResult(null); setError(messageOf(err)); } finally { setBusy(false); }
  };
  return (
    <Paper withBorder p="sm" component="section" aria-label="Preview" data-testid="template-preview">
      <Stack gap="xs">
        <Title order={4}>Preview</Title>
        <Group align="flex-end" gap="xs">
          <Select label="Language version" w={150} data={languages} value={language} onChange={setLanguage} allowDeselect={false} comboboxProps={{ withinPortal: true }} />
          <TextInput label="Contact id (empty: sample data)" style={{ flex: 1 }} value={contactId} onChange={(e) => setContactId(e.currentTarget.value)} />
          <Button variant="default" onClick={() => void run()} loading={busy}>Preview</Button>
        </Group>
        {error && <Alert color="red" role="alert">{error}</Alert>}
        {result && (
          <>
            <Text size="sm" c="dimmed">{result.source === 'contact' ? "With this contact's data" : 'With sample data'} ({result.language})</Text>
            <Text fw={600} data-testid="preview-subject">{result.subject}</Text>
            <Paper withBorder p="xs"><pre data-testid="preview-text" style={{ whiteSpace: 'pre-wrap', margin: 0, font: 'inherit' }}>{result.text}</pre></Paper>
            {(result.missing.length > 0 || result.unknown.length > 0) && (
              <Alert color="yellow" data-testid="preview-problems">
                {result.missing.length > 0 && <Text size="sm">No value here for {result.missing.map((m) => `{{${m}}}`).join(', ')}.</Text>}
                {result.unknown.length > 0 && <Text size="sm">Not a variable: {result.unknown.map((m) => `{{${m}}}`).join(', ')}.</Text>}
              </Alert>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

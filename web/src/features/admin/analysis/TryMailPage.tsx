import { Button, FileButton, Group, Select, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { api, messageOf, ok } from '@/shared/api';
import { FormError, Page } from '../ui/Page';
import { useApiQuery } from '../ui/queries';
import { tryMail, type TryResult } from './api';
import { TryMailResult } from './TryMailResult';

/** Paste or upload an .eml: see what analysis, routing and automatic answering would do, without creating anything. */
export function TryMailPage() {
  const entrances = useApiQuery(['admin', 'entrances'], async () => (await ok(api.GET('/api/v1/entrances'))).entrances);
  const [raw, setRaw] = useState('');
  const [entranceId, setEntranceId] = useState<string | null>(null);
  const [result, setResult] = useState<TryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true); setError(null);
    try { setResult(await tryMail(raw, entranceId ?? undefined)); } catch (err) { setError(messageOf(err)); setResult(null); } finally { setBusy(false); }
  };
  return (
    <Page title="Try a mail">
      <Stack gap="sm">
        <Textarea label="The message (headers and body, as in an .eml file)" autosize minRows={8} maxRows={20} value={raw} onChange={(e) => setRaw(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }} placeholder={'From: customer@example.org\nTo: support@example.com\nSubject: Where is my invoice?\n\nHello…'} />
        <Group>
          <FileButton onChange={async (f) => { if (f) setRaw(await f.text()); }} accept=".eml,message/rfc822,text/plain">
            {(props) => <Button variant="default" {...props}>Upload .eml</Button>}
          </FileButton>
          <Select aria-label="Entrance" placeholder="The entrance of the To address" clearable data={(entrances.data ?? []).map((e) => ({ value: e.id, label: e.name }))} value={entranceId} onChange={setEntranceId} w={260} />
          <Button onClick={run} loading={busy} disabled={!raw.trim()}>Try it</Button>
        </Group>
        <FormError message={error} />
        {result && <TryMailResult result={result} />}
      </Stack>
    </Page>
  );
}

import { Button, Fieldset, Group, Select, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ApiFailure, messageOf } from '@/shared/api';
import { useAreas } from '../routing/api';
import { saved } from '../ui/notify';
import { FormError } from '../ui/Page';
import { useSaveEntranceRouting, type EntranceRouting } from './api';
import { HoursEditor, hoursFromText, hoursToText } from './HoursEditor';

/** An entrance's area, opening hours (in its time zone), fallback and signature. */
export function EntranceSettings({ entrance }: { entrance: EntranceRouting }) {
  const areas = useAreas();
  const save = useSaveEntranceRouting(entrance.id);
  const [areaId, setAreaId] = useState(entrance.areaId);
  const [alwaysOpen, setAlwaysOpen] = useState(entrance.hours === null);
  const [timeZone, setTimeZone] = useState(entrance.hours?.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [weekly, setWeekly] = useState(hoursToText((entrance.hours?.weekly ?? {}) as Record<string, string[]>));
  const [fallback, setFallback] = useState(entrance.fallbackToQueue);
  const [signature, setSignature] = useState(entrance.signature ?? '');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const submit = async () => {
    setError(null); setFieldErrors({});
    try {
      await save.mutateAsync({ areaId, fallbackToQueue: fallback, signature: signature || null, hours: alwaysOpen ? null : { timeZone, weekly: hoursFromText(weekly), exceptions: (entrance.hours?.exceptions ?? {}) as Record<string, string[]> } });
      saved('Entrance');
    } catch (err) {
      const byField: Record<string, string> = {};
      if (err instanceof ApiFailure) for (const d of err.details) { const m = /^body\.hours\.weekly\.(\d)/.exec(d.path); if (m) byField[m[1]!] = d.message; else if (d.path === 'body.hours.timeZone') byField.tz = d.message; }
      setFieldErrors(byField);
      setError(messageOf(err));
    }
  };
  return (
    <Stack gap="sm">
      <FormError message={error} />
      <Select label="Area" data={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))} value={areaId} onChange={(v) => setAreaId(v ?? areaId)} allowDeselect={false} />
      <Fieldset legend={`Opening hours${entrance.openNow ? ' (open now)' : ' (closed now)'}`}>
        <Stack gap="xs">
          <Switch label="Always open" checked={alwaysOpen} onChange={(e) => setAlwaysOpen(e.currentTarget.checked)} />
          {!alwaysOpen && <>
            <TextInput label="Time zone (IANA, e.g. Europe/Copenhagen)" value={timeZone} onChange={(e) => setTimeZone(e.currentTarget.value)} error={fieldErrors.tz} />
            <HoursEditor weekly={weekly} onChange={setWeekly} errors={fieldErrors} />
          </>}
        </Stack>
      </Fieldset>
      <Switch label="Route to the queue even when closed (fallback)" checked={fallback} onChange={(e) => setFallback(e.currentTarget.checked)} />
      <Textarea label="Signature" autosize minRows={3} value={signature} onChange={(e) => setSignature(e.currentTarget.value)} />
      <Group justify="flex-end"><Button onClick={submit} loading={save.isPending}>Save entrance</Button></Group>
    </Stack>
  );
}

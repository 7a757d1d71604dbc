import { ActionIcon, Button, Fieldset, Group, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { applyApiErrors } from '../ui/apiErrors';
import { FormError } from '../ui/Page';
import { saveThresholds, useAreas, useSaveQueue, useThresholds, type Queue } from './api';
import { RequirementInput } from './RequirementInput';

type Kind = 'skill' | 'no-routing' | 'waiting-list';
type SortOrder = 'longest-waiting' | 'highest-priority' | 'service-level-deadline';
type Selection = 'longest-idle' | 'most-skilled' | 'least-busy';
interface Step { afterSeconds: number; lowerLevelsBy: number; drop: string }
interface Values extends Record<string, unknown> {
  name: string; areaId: string; kind: Kind; requirement: string; relaxation: Step[]; priorityTier: number; sortOrder: SortOrder;
  weight: number; agentSelection: Selection; sl1Minutes: number; sl2Minutes: number; longestWaitSeconds: number | ''; slPercent: number | '';
}

/** A queue: requirement (checked live), relaxation steps, tier, sort order, weight, SL1/SL2 and the monitor's thresholds. */
export function QueueForm({ queue, onDone }: { queue: Queue | null; onDone: () => void }) {
  const areas = useAreas();
  const thresholds = useThresholds(queue?.id ?? null);
  const form = useForm<Values>({
    initialValues: {
      name: queue?.name ?? '', areaId: queue?.areaId ?? '', kind: (queue?.kind ?? 'skill') as Kind, requirement: queue?.requirement ?? '',
      relaxation: (queue?.relaxation ?? []).map((r) => ({ afterSeconds: r.afterSeconds, lowerLevelsBy: r.lowerLevelsBy, drop: r.drop.join(', ') })),
      priorityTier: queue?.priorityTier ?? 1, sortOrder: (queue?.sortOrder ?? 'longest-waiting') as SortOrder, weight: queue?.weight ?? 1,
      agentSelection: (queue?.agentSelection ?? 'longest-idle') as Selection, sl1Minutes: queue?.sl1Minutes ?? 60, sl2Minutes: queue?.sl2Minutes ?? 240,
      longestWaitSeconds: '', slPercent: '',
    },
  });
  const [loadedThresholds, setLoaded] = useState(false);
  if (thresholds.data && !loadedThresholds) {
    setLoaded(true);
    form.setValues({ longestWaitSeconds: thresholds.data.longestWaitSeconds ?? '', slPercent: thresholds.data.slPercent ?? '' });
  }
  const save = useSaveQueue();
  const [error, setError] = useState<string | null>(null);
  const submit = form.onSubmit(async (v) => {
    setError(null);
    try {
      const saved = await save.mutateAsync({
        id: queue?.id ?? null,
        body: {
          name: v.name, ...(v.areaId ? { areaId: v.areaId } : {}), kind: v.kind, requirement: v.requirement,
          relaxation: v.relaxation.map((r) => ({ afterSeconds: r.afterSeconds, lowerLevelsBy: r.lowerLevelsBy, drop: r.drop.split(',').map((s) => s.trim()).filter(Boolean) })),
          priorityTier: v.priorityTier, sortOrder: v.sortOrder, weight: v.weight, agentSelection: v.agentSelection, sl1Minutes: v.sl1Minutes, sl2Minutes: v.sl2Minutes,
        },
      });
      if (v.longestWaitSeconds !== '' || v.slPercent !== '' || thresholds.data) {
        await saveThresholds(saved.id, { longestWaitSeconds: v.longestWaitSeconds === '' ? null : v.longestWaitSeconds, slPercent: v.slPercent === '' ? null : v.slPercent });
      }
      onDone();
    } catch (err) { setError(applyApiErrors(form, err)); }
  });
  const v = form.getValues();
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError message={error} />
        <TextInput label="Name" required {...form.getInputProps('name')} />
        <Group grow align="flex-start">
          <Select label="Area" data={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))} placeholder="The default area" {...form.getInputProps('areaId')} />
          <Select label="Kind" allowDeselect={false} data={[{ value: 'skill', label: 'Queue (offered to agents)' }, { value: 'waiting-list', label: 'Waiting list (agents pick)' }, { value: 'no-routing', label: 'No routing' }]} {...form.getInputProps('kind')} />
        </Group>
        <RequirementInput value={v.requirement} onChange={(r) => form.setFieldValue('requirement', r)} areaId={v.areaId || undefined} error={form.errors.requirement} />
        <Fieldset legend="Relaxation steps (the requirement loosens while a contact waits)">
          <Stack gap="xs">
            {v.relaxation.map((_, i) => (
              <Group key={i} align="flex-end" wrap="nowrap">
                <NumberInput label="After (s)" min={0} {...form.getInputProps(`relaxation.${i}.afterSeconds`)} />
                <NumberInput label="Lower levels by" min={0} max={8} {...form.getInputProps(`relaxation.${i}.lowerLevelsBy`)} />
                <TextInput label="Drop skills (comma separated)" {...form.getInputProps(`relaxation.${i}.drop`)} />
                <ActionIcon variant="default" size="lg" aria-label={`Remove step ${i + 1}`} onClick={() => form.removeListItem('relaxation', i)}>×</ActionIcon>
              </Group>
            ))}
            <Group><Button size="xs" variant="default" onClick={() => form.insertListItem('relaxation', { afterSeconds: 300, lowerLevelsBy: 1, drop: '' })}>Add step</Button></Group>
          </Stack>
        </Fieldset>
        <Group grow align="flex-start">
          <NumberInput label="Priority tier (1-99)" min={1} max={99} {...form.getInputProps('priorityTier')} />
          <NumberInput label="Weight" min={1} {...form.getInputProps('weight')} />
        </Group>
        <Group grow align="flex-start">
          <Select label="Sort order" allowDeselect={false} data={['longest-waiting', 'highest-priority', 'service-level-deadline']} {...form.getInputProps('sortOrder')} />
          <Select label="Agent selection" allowDeselect={false} data={['longest-idle', 'most-skilled', 'least-busy']} {...form.getInputProps('agentSelection')} />
        </Group>
        <Group grow align="flex-start">
          <NumberInput label="SL1 (minutes)" min={1} {...form.getInputProps('sl1Minutes')} />
          <NumberInput label="SL2 (minutes)" min={1} {...form.getInputProps('sl2Minutes')} />
        </Group>
        <Fieldset legend="Monitor thresholds (a row turns red)">
          <Group grow align="flex-start">
            <NumberInput label="Longest wait (s)" min={0} {...form.getInputProps('longestWaitSeconds')} />
            <NumberInput label="SL1 below (%)" min={0} max={100} {...form.getInputProps('slPercent')} />
          </Group>
        </Fieldset>
        <Group justify="flex-end"><Button type="submit" loading={save.isPending}>{queue ? 'Save' : 'Add queue'}</Button></Group>
      </Stack>
    </form>
  );
}

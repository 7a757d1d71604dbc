import { ActionIcon, Button, Group, NumberInput, Select, Stack, TextInput } from '@mantine/core';

/** One destination as edited (a union on the wire; every field optional here). */
export interface LooseDestination {
  type: string; queueId?: string; agentId?: string; address?: string; reason?: string; areaId?: string;
  escalation?: { type: string; seconds?: number; ratio?: number; min?: number };
}
type Option = { value: string; label: string };

const TYPES: Option[] = [
  { value: 'queue', label: 'Queue' }, { value: 'waiting-list', label: 'Waiting list' }, { value: 'personal', label: 'Personal queue' },
  { value: 'external-email', label: 'Forward by email' }, { value: 'end', label: 'End (no routing)' }, { value: 'area', label: 'Another area' },
];
const ESCALATIONS: Option[] = [
  { value: 'none', label: 'Stay here' }, { value: 'wait', label: 'After waiting (s)' }, { value: 'eqt', label: 'Estimated queue time above (s)' },
  { value: 'agentConRatio', label: 'Contacts per agent above' }, { value: 'minAvailAgents', label: 'Available agents below' },
];
const PARAM: Record<string, 'seconds' | 'ratio' | 'min'> = { wait: 'seconds', eqt: 'seconds', agentConRatio: 'ratio', minAvailAgents: 'min' };

/** Destinations in order: a contact moves on to the next when this one's escalation holds. */
export function DestinationsEditor({ destinations, onChange, label, queues, agents, areas }: {
  destinations: LooseDestination[]; onChange: (d: LooseDestination[]) => void; label: string; queues: Option[]; agents: Option[]; areas: Option[];
}) {
  const set = (i: number, d: LooseDestination) => onChange(destinations.map((x, j) => (j === i ? d : x)));
  return (
    <Stack gap={4}>
      {destinations.map((d, i) => {
        const name = `${label}: destination ${i + 1}`;
        const esc = d.escalation ?? { type: 'none' };
        const param = PARAM[esc.type];
        const hasEscalation = ['queue', 'waiting-list', 'personal'].includes(d.type);
        return (
          <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
            <Select aria-label={`${name} type`} data={TYPES} value={d.type} allowDeselect={false} w={150}
              onChange={(type) => set(i, { type: type ?? 'queue', escalation: { type: 'none' } })} />
            {(d.type === 'queue' || d.type === 'waiting-list') && <Select aria-label={`${name} queue`} placeholder="queue" data={queues} value={d.queueId ?? null} searchable onChange={(queueId) => set(i, { ...d, queueId: queueId ?? '' })} w={200} />}
            {d.type === 'personal' && <Select aria-label={`${name} agent`} placeholder="agent" data={agents} value={d.agentId ?? null} searchable onChange={(agentId) => set(i, { ...d, agentId: agentId ?? '' })} w={200} />}
            {d.type === 'external-email' && <TextInput aria-label={`${name} address`} placeholder="address" value={d.address ?? ''} onChange={(e) => set(i, { ...d, address: e.currentTarget.value })} w={200} />}
            {d.type === 'end' && <TextInput aria-label={`${name} reason`} placeholder="reason" value={d.reason ?? ''} onChange={(e) => set(i, { ...d, reason: e.currentTarget.value })} w={200} />}
            {d.type === 'area' && <Select aria-label={`${name} area`} data={areas} value={d.areaId ?? null} onChange={(areaId) => set(i, { ...d, areaId: areaId ?? '' })} w={200} />}
            {hasEscalation && <Select aria-label={`${name} escalation`} data={ESCALATIONS} value={esc.type} allowDeselect={false} w={220}
              onChange={(type) => set(i, { ...d, escalation: type && PARAM[type] ? { type, [PARAM[type]!]: 0 } : { type: 'none' } })} />}
            {hasEscalation && param && <NumberInput aria-label={`${name} escalation ${param}`} value={esc[param] ?? 0} min={0} w={100}
              onChange={(n) => set(i, { ...d, escalation: { ...esc, [param]: Number(n) || 0 } })} />}
            <ActionIcon variant="default" aria-label={`Remove ${name}`} onClick={() => onChange(destinations.filter((_, j) => j !== i))}>×</ActionIcon>
          </Group>
        );
      })}
      <Group><Button size="compact-xs" variant="subtle" onClick={() => onChange([...destinations, { type: 'queue', queueId: '', escalation: { type: 'none' } }])}>Add destination</Button></Group>
    </Stack>
  );
}

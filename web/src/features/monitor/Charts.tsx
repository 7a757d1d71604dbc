import { Group, Paper, SegmentedControl, Select, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useIntervals } from './api';

const hhmm = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Today per 15 minutes: arrivals and handled (bars), SL1 % (line), for one queue or entrance. */
export function Charts() {
  const intervals = useIntervals();
  const [by, setBy] = useState<'queues' | 'entrances'>('queues');
  const [id, setId] = useState<string | null>(null);
  const list = intervals.data?.[by] ?? [];
  const current = list.find((x) => x.id === id) ?? list[0];
  const data = (current?.intervals ?? []).map((i) => ({ ...i, time: hhmm(i.start) }));
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5">Today per 15 minutes</Title>
        <Group gap="xs">
          <SegmentedControl size="xs" value={by} onChange={(v) => { setBy(v as typeof by); setId(null); }} data={[{ value: 'queues', label: 'Queue' }, { value: 'entrances', label: 'Entrance' }]} aria-label="Chart by" />
          <Select size="xs" aria-label={by === 'queues' ? 'Queue' : 'Entrance'} data={list.map((x) => ({ value: x.id, label: x.name }))} value={current?.id ?? null} onChange={setId} allowDeselect={false} w={200} />
        </Group>
      </Group>
      {data.length === 0 ? <Text c="dimmed" size="sm">Nothing yet today.</Text> : (
        <div style={{ width: '100%', height: 260 }} role="img" aria-label={`Arrivals, handled and service level per 15 minutes today for ${current?.name ?? ''}`}>
          <ResponsiveContainer>
            <ComposedChart data={data} margin={{ top: 5, right: 10, bottom: 5, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
              <XAxis dataKey="time" tick={{ fill: 'var(--mantine-color-text)', fontSize: 12 }} />
              <YAxis yAxisId="n" allowDecimals={false} tick={{ fill: 'var(--mantine-color-text)', fontSize: 12 }} />
              <YAxis yAxisId="p" orientation="right" domain={[0, 100]} unit="%" tick={{ fill: 'var(--mantine-color-text)', fontSize: 12 }} />
              <Tooltip contentStyle={{ background: 'var(--mantine-color-body)', border: '1px solid var(--mantine-color-default-border)' }} />
              <Legend />
              <Bar yAxisId="n" dataKey="arrivals" name="Arrivals" fill="var(--mantine-color-blue-6)" isAnimationActive={false} />
              <Bar yAxisId="n" dataKey="handled" name="Handled" fill="var(--mantine-color-teal-6)" isAnimationActive={false} />
              <Line yAxisId="p" dataKey="sl1Percent" name="SL1 %" stroke="var(--mantine-color-orange-6)" dot={false} connectNulls isAnimationActive={false} />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
    </Paper>
  );
}

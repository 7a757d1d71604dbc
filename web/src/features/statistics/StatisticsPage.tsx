import { Alert, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { csvLink, useReport, type Dimension, type Interval, type Report, type ReportQuery } from './api';

const DIMENSIONS = [{ value: 'queue', label: 'Queue' }, { value: 'entrance', label: 'Entrance' }, { value: 'task-type', label: 'Task type' }, { value: 'agent', label: 'Agent' }];
const INTERVALS = [{ value: '15m', label: '15 minutes' }, { value: 'hour', label: 'Hour' }, { value: 'day', label: 'Day' }, { value: 'month', label: 'Month' }];
const day = (d: Date) => d.toISOString().slice(0, 10);
const num = (n: number | null) => (n === null ? '–' : Math.round(n).toString());
const pct = (n: number | null) => (n === null ? '–' : `${Math.round(n)} %`);

/** Starts come as ISO times with the report zone's offset: their wall-clock part is the period in that zone. */
function label(start: string, interval: Interval): string {
  if (interval === 'month') return start.slice(0, 7);
  if (interval === 'day') return start.slice(0, 10);
  return `${start.slice(5, 10)} ${start.slice(11, 16)}`;
}

const ZONES: string[] = (() => { try { return Intl.supportedValuesOf('timeZone'); } catch { return ['UTC']; } })();
const zoneData = [...new Set(['UTC', ...ZONES])];

/** Statistics per queue, entrance, task type or agent, per 15 min/hour/day/month over a date range; tables, a chart, CSV. */
export function StatisticsPage() {
  const today = new Date();
  const [form, setForm] = useState<ReportQuery>({ dimension: 'queue', interval: 'day', from: day(new Date(today.getTime() - 6 * 86_400_000)), to: day(new Date(today.getTime() + 86_400_000)) });
  const [query, setQuery] = useState<ReportQuery>(form);
  const report = useReport(query);
  return (
    <Stack p="md" gap="md" style={{ overflow: 'auto' }}>
      <Title order={2} size="h3">Statistics</Title>
      <Paper withBorder p="sm" component="form" onSubmit={(e: React.FormEvent) => { e.preventDefault(); setQuery(form); }}>
        <Group align="flex-end">
          <Select label="Per" data={DIMENSIONS} value={form.dimension} allowDeselect={false} onChange={(v) => setForm({ ...form, dimension: v as Dimension, key: undefined })} w={150} />
          <Select label="Interval" data={INTERVALS} value={form.interval} allowDeselect={false} onChange={(v) => setForm({ ...form, interval: v as Interval })} w={150} />
          <TextInput label="From" type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.currentTarget.value })} />
          <TextInput label="To (exclusive)" type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.currentTarget.value })} />
          <Select label="Time zone" data={zoneData} searchable clearable placeholder="Server's default" value={form.timeZone ?? null} w={210}
            onChange={(v) => setForm({ ...form, timeZone: v ?? undefined })} comboboxProps={{ withinPortal: true }} />
          <Button type="submit">Show</Button>
          <Button component="a" href={csvLink(query)} variant="default" download>Download CSV</Button>
        </Group>
      </Paper>
      {report.error && <Alert color="red" title="No report">{(report.error as Error).message}</Alert>}
      {report.data && <Text size="sm" c="dimmed" data-testid="report-zone">Periods in {report.data.timeZone}, from {report.data.from} to {report.data.to}</Text>}
      {report.data && <ReportView report={report.data} interval={query.interval} />}
    </Stack>
  );
}

function ReportView({ report, interval }: { report: Report; interval: Interval }) {
  const names = [...new Set(report.rows.map((r) => r.name))];
  const [name, setName] = useState<string | null>(null);
  const shown = name ?? names[0] ?? null;
  const series = report.rows.filter((r) => r.name === shown).map((r) => ({ ...r, label: label(r.start, interval) }));
  return (
    <>
      <Paper withBorder p="sm">
        <Title order={3} size="h5" mb="xs">Totals</Title>
        <FiguresTable rows={report.totals.map((t) => ({ ...t, period: '' }))} showPeriod={false} />
      </Paper>
      <Paper withBorder p="sm">
        <Group justify="space-between" mb="xs">
          <Title order={3} size="h5">Per {interval === '15m' ? '15 minutes' : interval}</Title>
          <Select size="xs" aria-label="Chart for" data={names} value={shown} onChange={setName} allowDeselect={false} w={220} />
        </Group>
        {series.length === 0 ? <Text c="dimmed" size="sm">No figures in this range.</Text> : (
          <div style={{ width: '100%', height: 260 }} role="img" aria-label={`Received, established and SL1 for ${shown}`}>
            <ResponsiveContainer>
              <ComposedChart data={series}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--mantine-color-default-border)" />
                <XAxis dataKey="label" tick={{ fill: 'var(--mantine-color-text)', fontSize: 12 }} />
                <YAxis yAxisId="n" allowDecimals={false} tick={{ fill: 'var(--mantine-color-text)', fontSize: 12 }} />
                <YAxis yAxisId="p" orientation="right" domain={[0, 100]} unit="%" tick={{ fill: 'var(--mantine-color-text)', fontSize: 12 }} />
                <Tooltip contentStyle={{ background: 'var(--mantine-color-body)' }} />
                <Legend />
                <Bar yAxisId="n" dataKey="received" name="Received" fill="var(--mantine-color-blue-6)" isAnimationActive={false} />
                <Bar yAxisId="n" dataKey="established" name="Established" fill="var(--mantine-color-teal-6)" isAnimationActive={false} />
                <Line yAxisId="p" dataKey="sl1Percent" name="SL1 %" stroke="var(--mantine-color-orange-6)" connectNulls isAnimationActive={false} />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
        )}
        <FiguresTable rows={report.rows.map((r) => ({ ...r, period: label(r.start, interval) }))} showPeriod />
      </Paper>
    </>
  );
}

type Row = Report['totals'][number] & { period: string };
function FiguresTable({ rows, showPeriod }: { rows: Row[]; showPeriod: boolean }) {
  if (rows.length === 0) return <Text c="dimmed" size="sm">No figures.</Text>;
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped fz="sm" data-testid="statistics-table">
        <Table.Thead><Table.Tr>
          <Table.Th>Name</Table.Th>{showPeriod && <Table.Th>Period</Table.Th>}
          <Table.Th ta="right">Received</Table.Th><Table.Th ta="right">Established</Table.Th><Table.Th ta="right">Re-established</Table.Th>
          <Table.Th ta="right">Closed unhandled</Table.Th><Table.Th ta="right">Transferred</Table.Th><Table.Th ta="right">SL1</Table.Th><Table.Th ta="right">SL2</Table.Th>
          <Table.Th ta="right">Avg / max queue (s)</Table.Th><Table.Th ta="right">Handled</Table.Th><Table.Th ta="right">Avg handling (s)</Table.Th><Table.Th ta="right">Outgoing</Table.Th>
        </Table.Tr></Table.Thead>
        <Table.Tbody>
          {rows.map((r, i) => (
            <Table.Tr key={`${r.key}-${r.period}-${i}`}>
              <Table.Td>{r.name}</Table.Td>{showPeriod && <Table.Td>{r.period}</Table.Td>}
              <Table.Td ta="right">{r.received}</Table.Td><Table.Td ta="right">{r.established}</Table.Td><Table.Td ta="right">{r.reEstablished}</Table.Td>
              <Table.Td ta="right">{r.closedUnhandled}</Table.Td><Table.Td ta="right">{r.transferred}</Table.Td><Table.Td ta="right">{pct(r.sl1Percent)}</Table.Td><Table.Td ta="right">{pct(r.sl2Percent)}</Table.Td>
              <Table.Td ta="right">{num(r.avgQueueSeconds)} / {num(r.maxQueueSeconds)}</Table.Td><Table.Td ta="right">{r.handled}</Table.Td><Table.Td ta="right">{num(r.avgHandlingSeconds)}</Table.Td><Table.Td ta="right">{r.outgoing}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

import { Button, Group, Select, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { api, ok } from '@/shared/api';
import { applyApiErrorsToList } from '../ui/listErrors';
import { saved } from '../ui/notify';
import { FormError, LoadError, Page } from '../ui/Page';
import { useApiQuery } from '../ui/queries';
import { SortableList } from '../ui/SortableList';
import { useAreas, useQueues, useRoutingRules, useSaveRoutingRules, type Criterion, type RoutingRules } from './api';
import { CriteriaEditor } from './CriteriaEditor';
import { DestinationsEditor, type LooseDestination } from './DestinationsEditor';

interface Row { key: string; criteria: Criterion[]; destinations: LooseDestination[] }
let seq = 0;
const newKey = () => `r${++seq}`;

/** An area's routing table: rows in search order (first match wins), each with its destinations and their escalation. */
export function RoutingRulesPage() {
  const areas = useAreas();
  const [areaId, setAreaId] = useState<string | null>(null);
  useEffect(() => { if (!areaId && areas.data?.[0]) setAreaId(areas.data[0].id); }, [areaId, areas.data]);
  const rules = useRoutingRules(areaId);
  const queues = useQueues();
  const agents = useApiQuery(['admin', 'users'], async () => (await ok(api.GET('/api/v1/users'))).users);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [errors, setErrors] = useState<{ message: string | null; byRow: Record<number, string> }>({ message: null, byRow: {} });
  // The server's table replaces the one on screen only when nothing is being edited (first load, area change, after saving).
  const dirty = useRef(false);
  const shownArea = useRef<string | null>(null);
  useEffect(() => {
    if (shownArea.current !== areaId) { shownArea.current = areaId; dirty.current = false; setRows(null); }
    if (rules.data && !dirty.current) setRows(rules.data.map((r) => ({ key: newKey(), criteria: r.criteria, destinations: r.destinations as LooseDestination[] })));
  }, [rules.data, areaId]);
  const edit = (f: (rs: Row[]) => Row[]) => { dirty.current = true; setRows((rs) => f(rs ?? [])); };
  const save = useSaveRoutingRules(areaId ?? '');
  const qOpts = (queues.data ?? []).filter((q) => q.areaId === areaId).map((q) => ({ value: q.id, label: q.name }));
  const aOpts = (agents.data ?? []).map((u) => ({ value: u.id, label: u.displayName }));
  const areaOpts = (areas.data ?? []).map((a) => ({ value: a.id, label: a.name }));
  const update = (i: number, patch: Partial<Row>) => edit((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const submit = async () => {
    if (!rows) return;
    setErrors({ message: null, byRow: {} });
    try {
      await save.mutateAsync(rows.map((r) => ({ criteria: r.criteria, destinations: r.destinations })) as RoutingRules);
      dirty.current = false;
      saved('Routing table');
    } catch (err) { setErrors(applyApiErrorsToList(err, 'rules')); }
  };
  return (
    <Page title="Routing table" actions={<>
      <Select aria-label="Area" data={areaOpts} value={areaId} onChange={setAreaId} allowDeselect={false} w={200} />
      <Button variant="default" disabled={!rows} onClick={() => edit((rs) => [...rs, { key: newKey(), criteria: [], destinations: [{ type: 'queue', queueId: '', escalation: { type: 'none' } }] }])}>Add rule</Button>
      <Button onClick={submit} loading={save.isPending} disabled={!rows}>Save routing table</Button>
    </>} description={<Text size="sm" c="dimmed">Rows are searched from the top; the first row whose criteria all hold routes the contact. A row without criteria matches every contact.</Text>}>
      <LoadError error={rules.error ?? areas.error} />
      <FormError message={errors.message} />
      {rows && <SortableList items={rows} onChange={(items) => edit(() => items)} label={(_, i) => `rule ${i + 1}`} render={(row, i) => (
        <Group align="flex-start" grow wrap="nowrap" data-testid="routing-rule">
          <div><Text size="sm" fw={500} mb={4}>When</Text><CriteriaEditor criteria={row.criteria} onChange={(criteria) => update(i, { criteria })} label={`Rule ${i + 1}`} /></div>
          <div>
            <Group justify="space-between"><Text size="sm" fw={500} mb={4}>Route to</Text>
              <Button size="compact-xs" color="red" variant="subtle" onClick={() => edit((rs) => rs.filter((_, j) => j !== i))}>Remove rule {i + 1}</Button></Group>
            <DestinationsEditor destinations={row.destinations} onChange={(destinations) => update(i, { destinations })} label={`Rule ${i + 1}`} queues={qOpts} agents={aOpts} areas={areaOpts} />
            {errors.byRow[i] && <Text c="red" size="sm" role="alert">{errors.byRow[i]}</Text>}
          </div>
        </Group>
      )} />}
      {rows?.length === 0 && <Text c="dimmed">No routing rule: contacts stay in their entrance's queue.</Text>}
    </Page>
  );
}

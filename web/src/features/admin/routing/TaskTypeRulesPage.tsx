import { Button, Group, Select, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { applyApiErrorsToList } from '../ui/listErrors';
import { saved } from '../ui/notify';
import { FormError, LoadError, Page } from '../ui/Page';
import { SortableList } from '../ui/SortableList';
import { useAreas, useSaveTaskTypeRules, useTaskTypeRules, useTaskTypes, type Criterion } from './api';
import { CriteriaEditor } from './CriteriaEditor';

interface Row { key: string; criteria: Criterion[]; taskTypeId: string }
let seq = 0;
const newKey = () => `t${++seq}`;

/** An area's task-type assignment table, in search order: the first row whose criteria all hold gives the task type. */
export function TaskTypeRulesPage() {
  const areas = useAreas();
  const [areaId, setAreaId] = useState<string | null>(null);
  useEffect(() => { if (!areaId && areas.data?.[0]) setAreaId(areas.data[0].id); }, [areaId, areas.data]);
  const rules = useTaskTypeRules(areaId);
  const types = useTaskTypes();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [errors, setErrors] = useState<{ message: string | null; byRow: Record<number, string> }>({ message: null, byRow: {} });
  // The server's table replaces the one on screen only when nothing is being edited (first load, area change, after saving).
  const dirty = useRef(false);
  const shownArea = useRef<string | null>(null);
  useEffect(() => {
    if (shownArea.current !== areaId) { shownArea.current = areaId; dirty.current = false; setRows(null); }
    if (rules.data && !dirty.current) setRows(rules.data.map((r) => ({ key: newKey(), criteria: r.criteria, taskTypeId: r.taskTypeId })));
  }, [rules.data, areaId]);
  const edit = (f: (rs: Row[]) => Row[]) => { dirty.current = true; setRows((rs) => f(rs ?? [])); };
  const save = useSaveTaskTypeRules(areaId ?? '');
  const typeOpts = (types.data ?? []).filter((t) => t.areaId === areaId).map((t) => ({ value: t.id, label: t.name }));
  const update = (i: number, patch: Partial<Row>) => edit((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <Page title="Task-type assignment" actions={<>
      <Select aria-label="Area" data={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))} value={areaId} onChange={setAreaId} allowDeselect={false} w={200} />
      <Button variant="default" disabled={!rows} onClick={() => edit((rs) => [...rs, { key: newKey(), criteria: [{ key: 'categories', op: 'equals', value: '' }], taskTypeId: '' }])}>Add row</Button>
      <Button loading={save.isPending} disabled={!rows} onClick={async () => {
        setErrors({ message: null, byRow: {} });
        try { await save.mutateAsync(rows!.map((r) => ({ criteria: r.criteria, taskTypeId: r.taskTypeId }))); dirty.current = false; saved('Task-type assignment'); }
        catch (err) { setErrors(applyApiErrorsToList(err, 'rules')); }
      }}>Save assignment table</Button>
    </>}>
      <LoadError error={rules.error} />
      <FormError message={errors.message} />
      {rows && <SortableList items={rows} onChange={(items) => edit(() => items)} label={(_, i) => `row ${i + 1}`} render={(row, i) => (
        <Group align="flex-start" grow wrap="nowrap">
          <div><Text size="sm" fw={500} mb={4}>When</Text><CriteriaEditor criteria={row.criteria} onChange={(criteria) => update(i, { criteria })} label={`Row ${i + 1}`} /></div>
          <div>
            <Select label="Task type" data={typeOpts} value={row.taskTypeId || null} onChange={(v) => update(i, { taskTypeId: v ?? '' })} />
            <Button mt="xs" size="compact-xs" color="red" variant="subtle" onClick={() => edit((rs) => rs.filter((_, j) => j !== i))}>Remove row {i + 1}</Button>
            {errors.byRow[i] && <Text c="red" size="sm" role="alert">{errors.byRow[i]}</Text>}
          </div>
        </Group>
      )} />}
      {rows?.length === 0 && <Text c="dimmed">No rows: contacts get no task type.</Text>}
    </Page>
  );
}

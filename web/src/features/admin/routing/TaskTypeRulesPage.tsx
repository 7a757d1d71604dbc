import { Button, Group, Select, Text } from '@mantine/core';
import { applyApiErrorsToList } from '../ui/listErrors';
import { saved } from '../ui/notify';
import { FormError, LoadError, Page } from '../ui/Page';
import { SortableList } from '../ui/SortableList';
import { useAreas, useSaveTaskTypeRules, useTaskTypeRules, useTaskTypes, type Criterion } from './api';
import { CriteriaEditor } from './CriteriaEditor';
import { newRowKey, useAreaChoice, useRuleTable } from './useRuleTable';

interface Row { key: string; criteria: Criterion[]; taskTypeId: string }

/** An area's task-type assignment table, in search order: the first row whose criteria all hold gives the task type. */
export function TaskTypeRulesPage() {
  const areas = useAreas();
  const [areaId, setAreaId] = useAreaChoice(areas.data);
  const rules = useTaskTypeRules(areaId);
  const types = useTaskTypes();
  const table = useRuleTable<NonNullable<typeof rules.data>[number], Row>(areaId, rules.data, (r) => ({ key: newRowKey(), criteria: r.criteria, taskTypeId: r.taskTypeId }));
  const { rows, errors } = table;
  const save = useSaveTaskTypeRules(areaId ?? '');
  const typeOpts = (types.data ?? []).filter((t) => t.areaId === areaId).map((t) => ({ value: t.id, label: t.name }));
  return (
    <Page title="Task-type assignment" actions={<>
      <Select aria-label="Area" data={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))} value={areaId} onChange={setAreaId} allowDeselect={false} w={200} />
      <Button variant="default" disabled={!rows} onClick={() => table.edit((rs) => [...rs, { key: newRowKey(), criteria: [{ key: 'categories', op: 'equals', value: '' }], taskTypeId: '' }])}>Add row</Button>
      <Button loading={save.isPending} disabled={!rows} onClick={async () => {
        table.setErrors({ message: null, byRow: {} });
        try { await save.mutateAsync(rows!.map((r) => ({ criteria: r.criteria, taskTypeId: r.taskTypeId }))); table.saved(); saved('Task-type assignment'); }
        catch (err) { table.setErrors(applyApiErrorsToList(err, 'rules')); }
      }}>Save assignment table</Button>
    </>}>
      <LoadError error={rules.error} />
      <FormError message={errors.message} />
      {rows && <SortableList items={rows} onChange={(items) => table.edit(() => items)} label={(_, i) => `row ${i + 1}`} render={(row, i) => (
        <Group align="flex-start" grow wrap="nowrap">
          <div><Text size="sm" fw={500} mb={4}>When</Text><CriteriaEditor criteria={row.criteria} onChange={(criteria) => table.update(i, { criteria })} label={`Row ${i + 1}`} /></div>
          <div>
            <Select label="Task type" data={typeOpts} value={row.taskTypeId || null} onChange={(v) => table.update(i, { taskTypeId: v ?? '' })} />
            <Button mt="xs" size="compact-xs" color="red" variant="subtle" onClick={() => table.remove(i)}>Remove row {i + 1}</Button>
            {errors.byRow[i] && <Text c="red" size="sm" role="alert">{errors.byRow[i]}</Text>}
          </div>
        </Group>
      )} />}
      {rows?.length === 0 && <Text c="dimmed">No rows: contacts get no task type.</Text>}
    </Page>
  );
}

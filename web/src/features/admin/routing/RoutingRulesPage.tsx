import { Button, Group, Select, Text } from '@mantine/core';
import { api, ok } from '@/shared/api';
import { applyApiErrorsToList } from '../ui/listErrors';
import { saved } from '../ui/notify';
import { FormError, LoadError, Page } from '../ui/Page';
import { useApiQuery } from '../ui/queries';
import { SortableList } from '../ui/SortableList';
import { useAreas, useQueues, useRoutingRules, useSaveRoutingRules, type Criterion, type RoutingRules } from './api';
import { CriteriaEditor } from './CriteriaEditor';
import { DestinationsEditor, type LooseDestination } from './DestinationsEditor';
import { newRowKey, useAreaChoice, useRuleTable } from './useRuleTable';

interface Row { key: string; criteria: Criterion[]; destinations: LooseDestination[] }

/** An area's routing table: rows in search order (first match wins), each with its destinations and their escalation. */
export function RoutingRulesPage() {
  const areas = useAreas();
  const [areaId, setAreaId] = useAreaChoice(areas.data);
  const rules = useRoutingRules(areaId);
  const queues = useQueues();
  const agents = useApiQuery(['admin', 'users'], async () => (await ok(api.GET('/api/v1/users'))).users);
  const table = useRuleTable<NonNullable<typeof rules.data>[number], Row>(areaId, rules.data,
    (r) => ({ key: newRowKey(), criteria: r.criteria, destinations: r.destinations as LooseDestination[] }));
  const { rows, errors } = table;
  const save = useSaveRoutingRules(areaId ?? '');
  const qOpts = (queues.data ?? []).filter((q) => q.areaId === areaId).map((q) => ({ value: q.id, label: q.name }));
  const aOpts = (agents.data ?? []).map((u) => ({ value: u.id, label: u.displayName }));
  const areaOpts = (areas.data ?? []).map((a) => ({ value: a.id, label: a.name }));

  const submit = async () => {
    if (!rows) return;
    table.setErrors({ message: null, byRow: {} });
    try {
      await save.mutateAsync(rows.map((r) => ({ criteria: r.criteria, destinations: r.destinations })) as RoutingRules);
      table.saved();
      saved('Routing table');
    } catch (err) { table.setErrors(applyApiErrorsToList(err, 'rules')); }
  };
  return (
    <Page title="Routing table" actions={<>
      <Select aria-label="Area" data={areaOpts} value={areaId} onChange={setAreaId} allowDeselect={false} w={200} />
      <Button variant="default" disabled={!rows} onClick={() => table.edit((rs) => [...rs, { key: newRowKey(), criteria: [], destinations: [{ type: 'queue', queueId: '', escalation: { type: 'none' } }] }])}>Add rule</Button>
      <Button onClick={submit} loading={save.isPending} disabled={!rows}>Save routing table</Button>
    </>} description={<Text size="sm" c="dimmed">Rows are searched from the top; the first row whose criteria all hold routes the contact. A row without criteria matches every contact.</Text>}>
      <LoadError error={rules.error ?? areas.error} />
      <FormError message={errors.message} />
      {rows && <SortableList items={rows} onChange={(items) => table.edit(() => items)} label={(_, i) => `rule ${i + 1}`} render={(row, i) => (
        <Group align="flex-start" grow wrap="nowrap" data-testid="routing-rule">
          <div><Text size="sm" fw={500} mb={4}>When</Text><CriteriaEditor criteria={row.criteria} onChange={(criteria) => table.update(i, { criteria })} label={`Rule ${i + 1}`} /></div>
          <div>
            <Group justify="space-between"><Text size="sm" fw={500} mb={4}>Route to</Text>
              <Button size="compact-xs" color="red" variant="subtle" onClick={() => table.remove(i)}>Remove rule {i + 1}</Button></Group>
            <DestinationsEditor destinations={row.destinations} onChange={(destinations) => table.update(i, { destinations })} label={`Rule ${i + 1}`} queues={qOpts} agents={aOpts} areas={areaOpts} />
            {errors.byRow[i] && <Text c="red" size="sm" role="alert">{errors.byRow[i]}</Text>}
          </div>
        </Group>
      )} />}
      {rows?.length === 0 && <Text c="dimmed">No routing rule: contacts stay in their entrance's queue.</Text>}
    </Page>
  );
}

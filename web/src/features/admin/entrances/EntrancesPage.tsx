import { Grid, NavLink, Paper, Stack, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { LoadError, Page } from '../ui/Page';
import { useAutoAnswer, useEntranceRouting, useEntrances } from './api';
import { AutoAnswerForm } from './AutoAnswerForm';
import { EntranceSettings } from './EntranceSettings';

/** Entrances (one per mail account address): opening hours, automatic answer, signature. */
export function EntrancesPage() {
  const entrances = useEntrances();
  const [id, setId] = useState<string | null>(null);
  const selected = id ?? entrances.data?.[0]?.id ?? null;
  const routing = useEntranceRouting(selected);
  const auto = useAutoAnswer(selected);
  return (
    <Page title="Entrances">
      <LoadError error={entrances.error} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Paper withBorder>
            <Stack gap={0} component="nav" aria-label="Entrances">
              {entrances.data?.map((e) => <NavLink key={e.id} label={e.name} active={e.id === selected} onClick={() => setId(e.id)} component="button" />)}
            </Stack>
          </Paper>
          {entrances.data?.length === 0 && <Text c="dimmed" size="sm">An entrance is made with each mail account.</Text>}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          {selected && (
            <Tabs defaultValue="settings" keepMounted={false}>
              <Tabs.List><Tabs.Tab value="settings">Hours and signature</Tabs.Tab><Tabs.Tab value="auto">Automatic answer</Tabs.Tab></Tabs.List>
              <Tabs.Panel value="settings" pt="sm">{routing.data && <EntranceSettings key={`${selected}-${routing.dataUpdatedAt}`} entrance={routing.data} />}</Tabs.Panel>
              <Tabs.Panel value="auto" pt="sm">{auto.data && <AutoAnswerForm key={`${selected}-${auto.dataUpdatedAt}`} entranceId={selected} current={auto.data} />}</Tabs.Panel>
            </Tabs>
          )}
        </Grid.Col>
      </Grid>
    </Page>
  );
}

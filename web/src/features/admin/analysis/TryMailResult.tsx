import { Alert, Badge, Code, Group, List, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { TryResult } from './api';

type Loose = Record<string, unknown>;
const json = (v: unknown) => JSON.stringify(v, null, 2);

function Block({ title, children }: { title: string; children: ReactNode }) {
  return <Paper withBorder p="sm"><Title order={3} size="h5" mb="xs">{title}</Title>{children}</Paper>;
}

/** What the pipeline would do with the mail: analysis, task type, routing rule, queue, automatic answer, and why. */
export function TryMailResult({ result }: { result: TryResult }) {
  const analysis = (result.analysis ?? {}) as Loose;
  const categories = (analysis.categories ?? {}) as { categories?: string[]; matches?: Record<string, string[]> } & Loose;
  const explanation = (analysis.explanation ?? []) as string[];
  const auto = (result.autoAnswer ?? null) as (Loose & { sent?: boolean; reasons?: string[] }) | null;
  const routing = result.routing;
  return (
    <Stack gap="sm" data-testid="try-result">
      {result.outcome === 'quarantine' && <Alert color="red" title="It would be quarantined">{result.quarantine?.code}: {result.quarantine?.reason}</Alert>}
      {result.outcome === 'duplicate' && <Alert color="yellow" title="A duplicate">Of contact {result.duplicateOf}</Alert>}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Block title="Routing">
          <Stack gap={4}>
            <Text size="sm">Entrance: <b>{result.entrance.name}</b></Text>
            <Text size="sm">Task type: <b>{result.taskType?.name ?? 'none'}</b></Text>
            <Text size="sm">Routing rule: <b>{result.routingRule ? `row ${result.routingRule.position + 1}` : 'none matched'}</b></Text>
            {result.routingRule && <Code block>{json(result.routingRule.criteria)}</Code>}
            <Text size="sm">Queue: <b data-testid="try-queue">{routing?.queue?.name ?? '–'}</b>{routing?.how && <Badge ml="xs" variant="light">{routing.how}</Badge>}</Text>
            {routing?.heldUntil && <Text size="sm">Held until the entrance opens: {new Date(routing.heldUntil).toLocaleString()}</Text>}
            {routing?.endedReason && <Text size="sm">Routing ends it: {routing.endedReason}</Text>}
            {routing?.forwardedTo && <Text size="sm">Forwarded to {routing.forwardedTo}</Text>}
            {routing?.offeredTo && <Text size="sm">Would be offered now to agent {routing.offeredTo}</Text>}
          </Stack>
        </Block>
        <Block title="Automatic answer">
          {auto ? <Stack gap={4}>
            <Text size="sm" fw={600}>{auto.sent ? 'Would be answered automatically' : 'No automatic answer'}</Text>
            {Array.isArray(auto.reasons) && <List size="sm">{auto.reasons.map((r) => <List.Item key={r}>{r}</List.Item>)}</List>}
            <Code block>{json(auto)}</Code>
          </Stack> : <Text size="sm" c="dimmed">–</Text>}
        </Block>
        <Block title="Analysis">
          <Group gap={4} mb={4}>{(categories.categories ?? []).map((c) => <Badge key={c}>{c}</Badge>)}</Group>
          {explanation.length > 0 && <List size="sm">{explanation.map((e, i) => <List.Item key={i}>{e}</List.Item>)}</List>}
          <Code block style={{ maxHeight: 240, overflow: 'auto' }}>{json(analysis)}</Code>
        </Block>
        <Block title="Contact data (what the rules read)">
          <Code block style={{ maxHeight: 300, overflow: 'auto' }}>{json(result.contactData)}</Code>
        </Block>
      </SimpleGrid>
    </Stack>
  );
}

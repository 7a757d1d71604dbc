import { Alert, Group, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** One admin page: a heading, its actions, and what it shows. */
export function Page({ title, actions, children, description }: { title: string; actions?: ReactNode; children: ReactNode; description?: ReactNode }) {
  return (
    <Stack gap="md" p="md" maw={1200}>
      <Group justify="space-between" wrap="nowrap">
        <Title order={2} size="h3">{title}</Title>
        <Group gap="xs">{actions}</Group>
      </Group>
      {description}
      {children}
    </Stack>
  );
}

/** The API's sentence when it did not belong to one field. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return <Alert color="red" role="alert" title="Not saved">{message}</Alert>;
}

export function LoadError({ error }: { error: unknown }) {
  if (!error) return null;
  return <Alert color="red" role="alert" title="Could not load">{error instanceof Error ? error.message : String(error)}</Alert>;
}

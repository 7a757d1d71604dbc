import { Group, Text } from '@mantine/core';
import { formatDuration } from '@/shared/lib/format';
import { useDayFigures } from './api';

/** Contacts I handled today and their average handling time. */
export function DayFigures() {
  const day = useDayFigures();
  if (!day.data) return null;
  const d = day.data;
  return (
    <Group gap="xs" data-testid="day-figures" aria-label="My day">
      <Text size="xs" c="dimmed">Today: {d.handled} handled</Text>
      {d.averageHandlingSeconds !== null && <Text size="xs" c="dimmed">· avg {formatDuration(d.averageHandlingSeconds * 1000)}</Text>}
      {d.closedUnhandled > 0 && <Text size="xs" c="dimmed">· {d.closedUnhandled} unhandled</Text>}
    </Group>
  );
}

import { Group, Stack, Text, TextInput } from '@mantine/core';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Weekly opening hours: per ISO weekday, intervals like "08:00-12:00, 13:00-17:00" (empty: closed). */
export function HoursEditor({ weekly, onChange, errors }: { weekly: Record<string, string>; onChange: (w: Record<string, string>) => void; errors: Record<string, string> }) {
  return (
    <Stack gap={4}>
      {DAYS.map((day, i) => {
        const key = String(i + 1);
        return (
          <Group key={key} gap="xs" wrap="nowrap">
            <Text size="sm" w={100}>{day}</Text>
            <TextInput aria-label={`${day} opening hours`} placeholder="closed" value={weekly[key] ?? ''} error={errors[key]}
              onChange={(e) => onChange({ ...weekly, [key]: e.currentTarget.value })} style={{ flex: 1 }} />
          </Group>
        );
      })}
    </Stack>
  );
}

export const hoursToText = (w: Record<string, string[]>): Record<string, string> =>
  Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v.join(', ')]));
export const hoursFromText = (w: Record<string, string>): Record<string, string[]> =>
  Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v.split(',').map((s) => s.trim()).filter(Boolean)]).filter(([, v]) => (v?.length ?? 0) > 0));

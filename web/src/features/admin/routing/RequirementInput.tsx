import { Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { checkRequirement } from './api';

/** A queue's requirement with the server's live check (the same parser the queue engine uses). */
export function RequirementInput({ value, onChange, areaId, error }: { value: string; onChange: (v: string) => void; areaId?: string; error?: unknown }) {
  const [debounced] = useDebouncedValue(value, 300);
  const check = useQuery({
    queryKey: ['admin', 'requirement-check', debounced, areaId],
    queryFn: () => checkRequirement(debounced, areaId),
    enabled: debounced.trim() !== '',
    staleTime: 60_000,
  });
  const problems = check.data && !check.data.ok ? check.data.problems.join('; ') : null;
  return (
    <TextInput
      label="Requirement" description='e.g. "billing>=3 & (german | english)"; empty: any agent of the area'
      value={value} onChange={(e) => onChange(e.currentTarget.value)}
      error={(error as string | undefined) || problems || undefined}
      rightSectionWidth={70}
      rightSection={check.data?.ok && debounced === value && value ? <Text size="xs" c="teal" data-testid="requirement-ok">valid</Text> : null}
    />
  );
}

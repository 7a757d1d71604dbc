import { Alert, Code, Text } from '@mantine/core';

/** A connection test's answer in the server's own words (what it said, at which stage it failed). */
export function TestResult({ result, label }: { result: { ok: boolean; stage?: string; serverResponse?: string; summary?: string } | null; label: string }) {
  if (!result) return null;
  return (
    <Alert color={result.ok ? 'teal' : 'red'} role="status" title={result.ok ? `${label}: connection works` : `${label} failed at: ${result.stage ?? '?'}`} data-testid="connection-test-result">
      {result.summary && <Text size="sm" mb={4}>{result.summary}</Text>}
      {result.serverResponse && <><Text size="xs" c="dimmed">The server said:</Text><Code block>{result.serverResponse}</Code></>}
    </Alert>
  );
}

import { Alert, Button, Center, Stack } from '@mantine/core';
import { useRouteError } from 'react-router';

/** A screen that failed to render: say so and offer a reload instead of a blank page. */
export function RouteError() {
  const error = useRouteError();
  return (
    <Center h="100%">
      <Stack maw={480}>
        <Alert color="red" title="This screen failed" role="alert">{error instanceof Error ? error.message : String(error)}</Alert>
        <Button onClick={() => location.reload()}>Reload</Button>
      </Stack>
    </Center>
  );
}

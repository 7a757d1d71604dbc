import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { messageOf } from '@/shared/api';
import { useSignIn } from '@/shared/session/useSession';

export function SignInPage() {
  const signIn = useSignIn();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ username, password });
  };
  return (
    <Center component="main" h="100%">
      <Paper withBorder shadow="sm" p="xl" w={360}>
        <form onSubmit={submit} aria-label="Sign in">
          <Stack>
            <Title order={1} size="h3">Sign in to Switchyard</Title>
            {signIn.isError && <Alert color="red" role="alert">{messageOf(signIn.error)}</Alert>}
            <TextInput label="Username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.currentTarget.value)} />
            <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Button type="submit" loading={signIn.isPending}>Sign in</Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}

import { ActionIcon, Autocomplete, Button, Fieldset, Group, MultiSelect, NumberInput, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { applyApiErrors } from '../ui/apiErrors';
import { FormError } from '../ui/Page';
import { useAreas, useSkills } from '../routing/api';
import { createUser, patchUser, putAgentRouting, useAgentRouting, USERS_KEY, type UserView } from './api';

type Role = 'admin' | 'supervisor' | 'agent';
interface Values extends Record<string, unknown> {
  username: string; displayName: string; password: string; role: Role; email: string; capacity: number;
  skills: { name: string; level: number }[]; groups: string[]; areaId: string;
}

/** A user: role, email (empty: built-in desktop mode), capacity, skills with levels, groups and area. */
export function UserForm({ user, onDone }: { user: UserView | null; onDone: () => void }) {
  const routing = useAgentRouting(user?.id ?? null);
  const skills = useSkills();
  const areas = useAreas();
  const qc = useQueryClient();
  const form = useForm<Values>({
    initialValues: {
      username: user?.username ?? '', displayName: user?.displayName ?? '', password: '', role: user?.role ?? 'agent', email: user?.email ?? '',
      capacity: user?.capacity ?? 1, skills: Object.entries(user?.skills ?? {}).map(([name, level]) => ({ name, level: Number(level) })), groups: [], areaId: '',
    },
  });
  const [loaded, setLoaded] = useState(false);
  if (routing.data && !loaded) {
    setLoaded(true);
    form.setValues({ groups: routing.data.groups, areaId: routing.data.areaId, skills: Object.entries(routing.data.skills).map(([name, level]) => ({ name, level: Number(level) })) });
  }
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const v = form.getValues();
  const areaId = v.areaId || 'default';
  const skillNames = (skills.data ?? []).filter((s) => s.kind === 'skill' && s.areaId === areaId).map((s) => s.name);
  const groupNames = (skills.data ?? []).filter((s) => s.kind === 'group' && s.areaId === areaId).map((s) => s.name);

  const submit = form.onSubmit(async (v) => {
    setError(null); setBusy(true);
    const skillMap = Object.fromEntries(v.skills.filter((s) => s.name).map((s) => [s.name, s.level]));
    try {
      const saved = user
        ? await patchUser(user.id, { displayName: v.displayName, role: v.role, email: v.email || null, capacity: v.capacity })
        : await createUser({ username: v.username, displayName: v.displayName, password: v.password, role: v.role, ...(v.email ? { email: v.email } : {}), capacity: v.capacity });
      await putAgentRouting(saved.id, { skills: skillMap, groups: v.groups, ...(v.areaId ? { areaId: v.areaId } : {}) });
      await qc.invalidateQueries({ queryKey: USERS_KEY });
      onDone();
    } catch (err) { setError(applyApiErrors(form, err)); }
    finally { setBusy(false); }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError message={error} />
        <TextInput label="Username" required disabled={!!user} {...form.getInputProps('username')} />
        <TextInput label="Display name" required {...form.getInputProps('displayName')} />
        {!user && <PasswordInput label="Password" required autoComplete="new-password" {...form.getInputProps('password')} />}
        <Select label="Role" allowDeselect={false} data={[{ value: 'agent', label: 'Agent' }, { value: 'supervisor', label: 'Supervisor' }, { value: 'admin', label: 'Administrator' }]} {...form.getInputProps('role')} />
        <TextInput label="Email address" description="Empty: the agent works in the built-in desktop; set: a copy of each contact is mailed" {...form.getInputProps('email')} />
        <Group grow align="flex-start">
          <NumberInput label="Capacity (emails at once)" min={1} max={25} {...form.getInputProps('capacity')} />
          <Select label="Area" data={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))} placeholder="default" {...form.getInputProps('areaId')} />
        </Group>
        <Fieldset legend="Skills (level 1-9)">
          <Stack gap={4}>
            {v.skills.map((_, i) => (
              <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
                <Autocomplete aria-label={`Skill ${i + 1}`} data={skillNames} style={{ flex: 1 }} {...form.getInputProps(`skills.${i}.name`)} />
                <NumberInput aria-label={`Level of skill ${i + 1}`} min={1} max={9} w={80} {...form.getInputProps(`skills.${i}.level`)} />
                <ActionIcon variant="default" size="lg" aria-label={`Remove skill ${i + 1}`} onClick={() => form.removeListItem('skills', i)}>×</ActionIcon>
              </Group>
            ))}
            <Group><Button size="compact-xs" variant="subtle" onClick={() => form.insertListItem('skills', { name: '', level: 5 })}>Add skill</Button></Group>
          </Stack>
        </Fieldset>
        <MultiSelect label="Groups" data={groupNames} searchable {...form.getInputProps('groups')} />
        <Group justify="flex-end"><Button type="submit" loading={busy}>{user ? 'Save' : 'Add user'}</Button></Group>
      </Stack>
    </form>
  );
}

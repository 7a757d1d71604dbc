import { Loader, NavLink as MantineNavLink, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { NavLink } from 'react-router';
import type { ContactSummary } from '@/shared/api';
import { formatTime } from '@/shared/lib/format';
import { useHistorySearch, useSenderHistory } from './api';

function Item({ c }: { c: ContactSummary }) {
  return (
    <MantineNavLink component={NavLink} to={`/desk/contacts/${c.id}`} py={4}
      label={<Text size="sm" lineClamp={1}>{c.caseNumber !== null ? `#${c.caseNumber} ` : ''}{c.subject || '(no subject)'}</Text>}
      description={<Text size="xs" c="dimmed" lineClamp={1}>{c.from?.address} · {formatTime(c.createdAt)} · {c.status}{c.wrapUpCode ? ` · ${c.wrapUpCode}` : ''}</Text>} />
  );
}

/** Earlier contacts of the same sender, and a search by address, subject or case number. */
export function History({ contactId }: { contactId: string | null }) {
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 300);
  const search = useHistorySearch(debounced);
  const sender = useSenderHistory(contactId ?? '');
  const searching = debounced.trim().length > 0;
  const rows = searching ? search.data?.contacts : contactId ? sender.data?.contacts : [];
  const pending = searching ? search.isPending : contactId ? sender.isPending : false;
  return (
    <Stack gap={4} data-testid="history">
      <TextInput size="xs" label="Search history" placeholder="Address, subject or #case" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
      {!searching && contactId && <Text size="xs" c="dimmed">Earlier mails of this sender</Text>}
      {pending ? <Loader size="sm" aria-label="Loading history" /> : rows?.length === 0 ? <Text size="sm" c="dimmed">Nothing found.</Text> : rows?.map((c) => <Item key={c.id} c={c} />)}
    </Stack>
  );
}

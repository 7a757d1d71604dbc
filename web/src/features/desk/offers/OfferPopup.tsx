import { Button, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import type { Agent } from '@/shared/api';
import { secondsUntil, useNow } from '@/shared/lib/useNow';
import { useContact } from '../reader';
import type { OfferActions } from './useOfferActions';

type Offer = Agent['offers'][number];

/** The oldest open offer, over the desk, with the time left to accept it. */
export function OfferPopup({ offer, actions }: { offer: Offer; actions: OfferActions }) {
  const now = useNow(250);
  const contact = useContact(offer.contactId);
  const total = Math.max(1, (Date.parse(offer.expiresAt) - Date.parse(offer.createdAt)) / 1000);
  const left = secondsUntil(offer.expiresAt, now);
  const c = contact.data;
  return (
    <Paper role="alertdialog" aria-labelledby="offer-title" aria-describedby="offer-subject" data-testid="offer" shadow="xl" withBorder p="md" w={380}
      style={{ position: 'fixed', top: 64, right: 16, zIndex: 300 }}>
      <Stack gap="xs">
        <Title id="offer-title" order={2} size="h5">New email offered</Title>
        <Text id="offer-subject" fw={500} lineClamp={2}>{c ? c.subject || '(no subject)' : 'A customer email'}</Text>
        {c?.from && <Text size="sm" c="dimmed" lineClamp={1}>From {c.from.name || c.from.address}</Text>}
        <Progress value={(left / total) * 100} size="sm" aria-label="Time left to accept" />
        <Text size="xs" c="dimmed" data-testid="offer-countdown">{left} s left · F10 or Alt+A accepts, Alt+D declines</Text>
        <Group grow>
          <Button onClick={actions.accept} loading={actions.accepting} disabled={actions.busy}>Accept</Button>
          <Button variant="default" onClick={actions.decline} loading={actions.declining} disabled={actions.busy}>Decline</Button>
        </Group>
      </Stack>
    </Paper>
  );
}

import { Badge, Button, Group, Menu, Paper, Text } from '@mantine/core';
import type { Agent } from '@/shared/api';
import { secondsUntil, useNow } from '@/shared/lib/useNow';
import { useShortcut } from '@/shared/shortcuts/registry';
import { useSetState, useWrapUp } from '../agent/api';
import { AlertPreferences } from './AlertPreferences';

const LABEL: Record<Agent['state'], string> = { ready: 'Ready', paused: 'Paused', wrap_up: 'Wrap-up', logged_out: 'Logged out' };
const COLOR: Record<Agent['state'], string> = { ready: 'teal.9', paused: 'grape.9', wrap_up: 'blue.9', logged_out: 'gray.7' };
const DEFAULT_REASONS = ['Break', 'Lunch', 'Meeting', 'Training', 'Other work'];
const EXTEND_SECONDS = 60;

function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Ready / Paused (with a reason of my area) / wrap-up countdown; capacity in use. */
export function StateBar({ me }: { me: Agent }) {
  const setState = useSetState();
  const wrapUp = useWrapUp();
  const now = useNow();
  const reasons = me.pauseReasons.length ? me.pauseReasons : DEFAULT_REASONS;
  const inUse = me.inUse;
  const wrapUpUntil = me.wrapUpUntil;
  const inWrapUp = me.state === 'wrap_up';
  const left = inWrapUp ? secondsUntil(wrapUpUntil, now) : 0;

  useShortcut({ keys: ['Alt+R'], label: 'Go Ready', group: 'State' }, () => setState.mutate({ state: 'ready' }), me.state !== 'ready');
  useShortcut({ keys: ['Alt+P'], label: 'Pause (first reason)', group: 'State' }, () => setState.mutate({ state: 'paused', reason: reasons[0] }), me.state !== 'paused');
  useShortcut({ keys: ['Alt+E'], label: 'End wrap-up now', group: 'State' }, () => wrapUp.mutate({ action: 'end' }), inWrapUp);
  useShortcut({ keys: ['Alt+X'], label: `Extend wrap-up by ${EXTEND_SECONDS} s`, group: 'State' }, () => wrapUp.mutate({ action: 'extend', seconds: EXTEND_SECONDS }), inWrapUp);

  return (
    <Paper radius={0} px="md" py={6} withBorder style={{ borderLeft: 0, borderRight: 0, borderTop: 0 }} component="section" aria-label="My state">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          <Badge size="lg" color={COLOR[me.state]} variant="filled" data-testid="agent-state">
            {LABEL[me.state]}{me.state === 'paused' && me.pauseReason ? `: ${me.pauseReason}` : ''}
            {inWrapUp && wrapUpUntil ? ` ${clock(left)}` : ''}
            {me.pendingPause ? ' (pause requested)' : ''}
          </Badge>
          {me.state !== 'ready' && !inWrapUp && (
            <Button size="compact-sm" onClick={() => setState.mutate({ state: 'ready' })} loading={setState.isPending}>Go Ready</Button>
          )}
          {me.state !== 'paused' && (
            <Menu position="bottom-start">
              <Menu.Target><Button size="compact-sm" variant="default">Pause…</Button></Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>Reason</Menu.Label>
                {reasons.map((r) => <Menu.Item key={r} onClick={() => setState.mutate({ state: 'paused', reason: r })}>{r}</Menu.Item>)}
              </Menu.Dropdown>
            </Menu>
          )}
          {inWrapUp && (
            <>
              <Button size="compact-sm" variant="default" onClick={() => wrapUp.mutate({ action: 'extend', seconds: EXTEND_SECONDS })}>Extend {EXTEND_SECONDS} s</Button>
              <Button size="compact-sm" onClick={() => wrapUp.mutate({ action: 'end' })}>End wrap-up now</Button>
            </>
          )}
        </Group>
        <Group gap="md" wrap="nowrap">
          <Text size="sm" data-testid="capacity">{inUse} of {me.capacity} email{me.capacity === 1 ? '' : 's'}</Text>
          <AlertPreferences />
        </Group>
      </Group>
    </Paper>
  );
}

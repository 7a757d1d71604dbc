import { Badge, Button, Group, Menu, Modal, MultiSelect, Stack, Table, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useNow } from '@/shared/lib/useNow';
import { useForceState, useForcedQueues, useRoutingQueues, type Monitor, type MonitorAgent } from './api';
import { agedSeconds, clock, STATE_COLOUR, STATE_LABEL } from './format';

/** Per agent: state and time in it, pause reason, contacts against capacity; force a state or log into queues. */
export function AgentTable({ monitor }: { monitor: Monitor }) {
  const now = useNow(1000);
  const force = useForceState();
  const [queuesFor, setQueuesFor] = useState<MonitorAgent | null>(null);
  const [pauseFor, setPauseFor] = useState<MonitorAgent | null>(null);
  return (
    <>
      <Table highlightOnHover aria-label="Agents" data-testid="monitor-agents" fz="sm">
        <Table.Thead><Table.Tr><Table.Th>Agent</Table.Th><Table.Th>State</Table.Th><Table.Th ta="right">In state</Table.Th><Table.Th>Pause reason</Table.Th><Table.Th ta="right">Offered / assigned / capacity</Table.Th><Table.Th>Actions</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {monitor.agents.map((a) => (
            <Table.Tr key={a.id} data-testid="monitor-agent-row" data-agent={a.username}>
              <Table.Td>{a.displayName}</Table.Td>
              <Table.Td><Badge color={STATE_COLOUR[a.state]} variant="light">{STATE_LABEL[a.state] ?? a.state}</Badge></Table.Td>
              <Table.Td ta="right">{clock(agedSeconds(a.secondsInState, monitor.at, now))}</Table.Td>
              <Table.Td>{a.pauseReason ?? ''}</Table.Td>
              <Table.Td ta="right">{a.contacts.offered} / {a.contacts.assigned} / {a.capacity}</Table.Td>
              <Table.Td>
                <Menu position="bottom-end">
                  <Menu.Target><Button size="compact-xs" variant="default" aria-label={`Actions for ${a.displayName}`}>Actions</Button></Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Label>Force state</Menu.Label>
                    <Menu.Item onClick={() => force.mutate({ id: a.id, state: 'ready' })}>Ready</Menu.Item>
                    <Menu.Item onClick={() => setPauseFor(a)}>Paused…</Menu.Item>
                    <Menu.Item onClick={() => force.mutate({ id: a.id, state: 'logged_out' })}>Logged out</Menu.Item>
                    <Menu.Divider />
                    <Menu.Item onClick={() => setQueuesFor(a)}>Log into queues…</Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <PauseDialog agent={pauseFor} onClose={() => setPauseFor(null)} onPause={(reason) => { force.mutate({ id: pauseFor!.id, state: 'paused', reason }); setPauseFor(null); }} />
      <ForcedQueuesDialog agent={queuesFor} onClose={() => setQueuesFor(null)} />
    </>
  );
}

function PauseDialog({ agent, onClose, onPause }: { agent: MonitorAgent | null; onClose: () => void; onPause: (reason: string) => void }) {
  const [reason, setReason] = useState('');
  return (
    <Modal opened={!!agent} onClose={onClose} title={`Pause ${agent?.displayName ?? ''}`}>
      <Stack>
        <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus />
        <Group justify="flex-end"><Button onClick={() => onPause(reason)}>Pause</Button></Group>
      </Stack>
    </Modal>
  );
}

/** Emergency: the agent serves these queues whatever their skills (the supervisor API's forced queues). */
function ForcedQueuesDialog({ agent, onClose }: { agent: MonitorAgent | null; onClose: () => void }) {
  const queues = useRoutingQueues();
  const set = useForcedQueues();
  const [ids, setIds] = useState<string[]>([]);
  return (
    <Modal opened={!!agent} onClose={onClose} title={`Log ${agent?.displayName ?? ''} into queues`}>
      <Stack>
        <MultiSelect label="Queues (regardless of skills; empty: none)" data={(queues.data ?? []).map((q) => ({ value: q.id, label: q.name }))} value={ids} onChange={setIds} searchable data-autofocus />
        <Group justify="flex-end"><Button loading={set.isPending} onClick={async () => { await set.mutateAsync({ id: agent!.id, queueIds: ids }); onClose(); }}>Save</Button></Group>
      </Stack>
    </Modal>
  );
}

import { Button, Group, Modal, Select, Stack, Tabs, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useCloseContact, useCloseUnhandled } from './api';

/** Close with a wrap-up code of the task type, or close unhandled with a reason. */
export function CloseDialog({ contactId, codes, opened, initialTab, onClose, onDone }: {
  contactId: string; codes: string[]; opened: boolean; initialTab: 'handled' | 'unhandled'; onClose: () => void; onDone: () => void;
}) {
  const close = useCloseContact(contactId);
  const unhandled = useCloseUnhandled(contactId);
  const [code, setCode] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const needsCode = codes.length > 0;
  return (
    <Modal opened={opened} onClose={onClose} title="Close the contact">
      <Tabs defaultValue={initialTab}>
        <Tabs.List>
          <Tabs.Tab value="handled">Handled</Tabs.Tab>
          <Tabs.Tab value="unhandled">Unhandled</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="handled" pt="sm">
          <form onSubmit={(e) => { e.preventDefault(); close.mutate(code ?? undefined, { onSuccess: onDone }); }}>
            <Stack>
              {needsCode && (
                <Select label="Wrap-up code" data={codes} value={code} onChange={setCode} required searchable data-autofocus
                  comboboxProps={{ withinPortal: true }} />
              )}
              <Group justify="flex-end">
                <Button type="submit" loading={close.isPending} disabled={needsCode && !code}>Close</Button>
              </Group>
            </Stack>
          </form>
        </Tabs.Panel>
        <Tabs.Panel value="unhandled" pt="sm">
          <form onSubmit={(e) => { e.preventDefault(); unhandled.mutate(reason.trim(), { onSuccess: onDone }); }}>
            <Stack>
              <Textarea label="Why it is not handled" value={reason} onChange={(e) => setReason(e.currentTarget.value)} required autosize minRows={2} />
              <Group justify="flex-end">
                <Button type="submit" color="red.9" loading={unhandled.isPending} disabled={!reason.trim()}>Close unhandled</Button>
              </Group>
            </Stack>
          </form>
        </Tabs.Panel>
      </Tabs>
    </Modal>
  );
}

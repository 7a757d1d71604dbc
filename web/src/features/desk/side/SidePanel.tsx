import { ScrollArea, Tabs } from '@mantine/core';
import { Conversation } from './Conversation';
import { History } from './History';

/** Beside the contact: the case's conversation in and out, and the customer's history. */
export function SidePanel({ contactId }: { contactId: string | null }) {
  return (
    <Tabs defaultValue={contactId ? 'case' : 'history'} keepMounted={false} style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <Tabs.List>
        <Tabs.Tab value="case" disabled={!contactId}>Case</Tabs.Tab>
        <Tabs.Tab value="history">History</Tabs.Tab>
      </Tabs.List>
      <ScrollArea style={{ flex: 1 }} p="xs">
        <Tabs.Panel value="case">{contactId && <Conversation contactId={contactId} />}</Tabs.Panel>
        <Tabs.Panel value="history"><History contactId={contactId} /></Tabs.Panel>
      </ScrollArea>
    </Tabs>
  );
}

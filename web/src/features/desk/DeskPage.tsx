import { Box, Center, Text } from '@mantine/core';
import { Route, Routes, useParams } from 'react-router';
import { MyContacts } from './contacts/MyContacts';
import { ContactReader } from './reader';

function ContactPane() {
  const { contactId } = useParams();
  if (!contactId) return null;
  return <ContactReader key={contactId} contactId={contactId} />;
}

function SelectedList() {
  const { contactId } = useParams();
  return <MyContacts selectedId={contactId ?? null} />;
}

const Empty = () => (
  <Center h="100%"><Text c="dimmed">Select a contact, or wait for an offer.</Text></Center>
);

/** The agent desktop: my contacts on the left, the selected contact in the middle. */
export function DeskPage() {
  return (
    <Box style={{ display: 'grid', gridTemplateColumns: '280px 1fr', flex: 1, minHeight: 0 }}>
      <Box component="aside" style={{ borderRight: '1px solid var(--mantine-color-default-border)', minHeight: 0 }}>
        <Routes>
          <Route path="contacts/:contactId" element={<SelectedList />} />
          <Route path="*" element={<MyContacts selectedId={null} />} />
        </Routes>
      </Box>
      <Box component="section" aria-label="Contact" style={{ display: 'flex', flexDirection: 'column', minHeight: 0 }}>
        <Routes>
          <Route path="contacts/:contactId" element={<ContactPane />} />
          <Route path="*" element={<Empty />} />
        </Routes>
      </Box>
    </Box>
  );
}

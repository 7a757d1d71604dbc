import { Box, Center, Loader, Text } from '@mantine/core';
import { Route, Routes, useParams } from 'react-router';
import { ContactActions } from './actions/ContactActions';
import { useMe, useWrapUpUntil } from './agent/api';
import { useDeskEvents } from './agent/useDeskEvents';
import { MyContacts } from './contacts/MyContacts';
import { announceOffer } from './offers/announce';
import { useAlertPreferences } from './offers/alerts';
import { OfferPopup } from './offers/OfferPopup';
import { useOfferActions } from './offers/useOfferActions';
import { ContactReader } from './reader';
import { StateBar } from './state/StateBar';

function ContactPane() {
  const { contactId } = useParams();
  if (!contactId) return null;
  return <ContactReader key={contactId} contactId={contactId} toolbar={(c) => <ContactActions contact={c} />} />;
}

function SelectedList() {
  const { contactId } = useParams();
  return <MyContacts selectedId={contactId ?? null} />;
}

const Empty = () => (
  <Center h="100%"><Text c="dimmed">Select a contact, or go Ready and wait for an offer.</Text></Center>
);

/** The agent desktop: state bar; my contacts on the left; the selected contact in the middle; offers pop up. */
export function DeskPage() {
  const me = useMe();
  const wrapUpUntil = useWrapUpUntil();
  const [prefs] = useAlertPreferences();
  useDeskEvents((offer) => announceOffer(offer, prefs));
  const offer = me.data?.offers[0];
  const offerActions = useOfferActions(offer);
  if (me.isPending) return <Center h="100%"><Loader aria-label="Loading my desk" /></Center>;
  if (me.isError) return <Center h="100%"><Text c="red" role="alert">{me.error.message}</Text></Center>;
  return (
    <>
      <StateBar me={me.data} wrapUpUntil={wrapUpUntil} />
      <Box style={{ display: 'grid', gridTemplateColumns: '280px 1fr', flex: 1, minHeight: 0 }}>
        <Box component="aside" aria-label="My contacts" style={{ borderRight: '1px solid var(--mantine-color-default-border)', minHeight: 0 }}>
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
      {offer && <OfferPopup key={offer.id} offer={offer} actions={offerActions} />}
    </>
  );
}

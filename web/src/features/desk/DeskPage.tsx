import { Box, Center, Loader, Text } from '@mantine/core';
import { Route, Routes, useParams } from 'react-router';
import type { Agent } from '@/shared/api';
import { useMe } from './agent/api';
import { useDeskEvents } from './agent/useDeskEvents';
import { ContactWorkspace } from './ContactWorkspace';
import { MyContacts } from './contacts/MyContacts';
import { announceOffer } from './offers/announce';
import { useAlertPreferences } from './offers/alerts';
import { OfferPopup } from './offers/OfferPopup';
import { useOfferActions } from './offers/useOfferActions';
import { SidePanel } from './side/SidePanel';
import { StateBar } from './state/StateBar';

const border = '1px solid var(--mantine-color-default-border)';

/** The three columns for the selected contact (or none): my contacts, the contact, the case and history. */
function Columns({ me }: { me: Agent }) {
  const { contactId = null } = useParams();
  return (
    <Box style={{ display: 'grid', gridTemplateColumns: '260px minmax(0, 1fr) 320px', flex: 1, minHeight: 0 }}>
      <Box component="nav" aria-label="My contacts" style={{ borderRight: border, minHeight: 0 }}>
        <MyContacts me={me} selectedId={contactId} />
      </Box>
      <Box component="section" aria-label="Contact" style={{ display: 'flex', flexDirection: 'column', minHeight: 0, overflow: 'auto' }}>
        {contactId
          ? <ContactWorkspace key={contactId} contactId={contactId} me={me} />
          : <Center h="100%"><Text c="dimmed">Select a contact, or go Ready and wait for an offer.</Text></Center>}
      </Box>
      <Box component="aside" aria-label="Case and history" style={{ borderLeft: border, minHeight: 0 }}>
        <SidePanel key={contactId ?? 'none'} contactId={contactId} />
      </Box>
    </Box>
  );
}

/** The agent desktop: state bar, three columns, offers popping up over everything. */
export function DeskPage() {
  const me = useMe();
  const [prefs] = useAlertPreferences();
  useDeskEvents((offer) => announceOffer(offer, prefs));
  const offer = me.data?.offers[0];
  const offerActions = useOfferActions(offer);
  if (me.isPending) return <Center h="100%"><Loader aria-label="Loading my desk" /></Center>;
  if (me.isError) return <Center h="100%"><Text c="red.9" role="alert">{me.error.message}</Text></Center>;
  return (
    <>
      <StateBar me={me.data} />
      <Routes>
        <Route path="contacts/:contactId" element={<Columns me={me.data} />} />
        <Route path="*" element={<Columns me={me.data} />} />
      </Routes>
      {offer && <OfferPopup key={offer.id} offer={offer} actions={offerActions} />}
    </>
  );
}

import { Paper, ScrollArea, SegmentedControl, Stack } from '@mantine/core';
import { useState } from 'react';
import type { ContactDetail } from '@/shared/api';
import { MessageFrame } from './MessageFrame';
import { RemoteImagesNotice } from './RemoteImagesNotice';
import { useImageSenders, useSetImageSender } from './api';

/** The mail's body: the sanitized HTML in the sandboxed frame, or its text. */
export function MessageBody({ contact }: { contact: ContactDetail }) {
  const sender = contact.from?.address ?? null;
  const senders = useImageSenders();
  const setSender = useSetImageSender();
  // Only a list read for this message counts (it may have been taken back on another device meanwhile).
  const always = !!sender && senders.isFetchedAfterMount && (senders.data ?? []).includes(sender.toLowerCase());
  // "Show images" is for this message only; "always" is the agent's choice on the server.
  const [clicked, setClicked] = useState(false);
  const shown = clicked || always;
  const [view, setView] = useState<'html' | 'text'>(contact.html ? 'html' : 'text');
  const html = contact.html;
  const toggleAlways = (on: boolean) => {
    if (!sender) return;
    setSender.mutate({ sender, always: on });
    if (!on) setClicked(false);
  };
  return (
    <Stack gap="xs" style={{ flex: 1, minHeight: 0 }}>
      {html && (
        <SegmentedControl size="xs" w={200} value={view} onChange={(v) => setView(v as 'html' | 'text')}
          data={[{ value: 'html', label: 'Formatted' }, { value: 'text', label: 'Plain text' }]} aria-label="Message view" />
      )}
      {html && view === 'html' ? (
        <>
          <RemoteImagesNotice count={contact.remoteContentBlocked} sender={sender} shown={shown} always={always}
            onShow={() => setClicked(true)} onAlways={toggleAlways} />
          <MessageFrame key={shown ? 'remote' : 'local'} html={html} allowRemoteImages={shown} title={`Message: ${contact.subject}`} />
        </>
      ) : (
        <Paper withBorder p="sm" style={{ flex: 1, minHeight: 0 }}>
          <ScrollArea h="100%" viewportProps={{ tabIndex: 0, 'aria-label': 'Message text' }}>
            <pre data-testid="message-text" style={{ whiteSpace: 'pre-wrap', margin: 0, font: 'inherit' }}>{contact.text}</pre>
          </ScrollArea>
        </Paper>
      )}
    </Stack>
  );
}

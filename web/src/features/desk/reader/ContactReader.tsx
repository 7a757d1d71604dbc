import { Alert, Divider, Loader, Stack } from '@mantine/core';
import { messageOf, type ContactDetail } from '@/shared/api';
import { Attachments } from './Attachments';
import { MessageBody } from './MessageBody';
import { MessageHeader } from './MessageHeader';
import { useContact } from './api';

/** Reading one contact: header, body (sandboxed), attachments. */
export function ContactReader({ contactId, toolbar, children }: {
  contactId: string;
  toolbar?: (c: ContactDetail) => React.ReactNode;
  children?: (c: ContactDetail) => React.ReactNode;
}) {
  const contact = useContact(contactId);
  if (contact.isPending) return <Loader m="md" aria-label="Loading the contact" />;
  if (contact.isError) return <Alert color="red" m="md" role="alert">{messageOf(contact.error)}</Alert>;
  const c = contact.data;
  return (
    <Stack gap="sm" p="md" style={{ flex: 1, minHeight: 0 }} data-testid="reader" data-contact-id={c.id}>
      <MessageHeader contact={c} />
      {toolbar?.(c)}
      <Attachments items={c.attachments} />
      <Divider />
      <MessageBody key={c.id} contact={c} />
      {children?.(c)}
    </Stack>
  );
}

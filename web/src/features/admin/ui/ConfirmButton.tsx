import { Button, Group, Modal, Text, type ButtonProps } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';

/** A button that asks first (delete, discard, disable): the question names what happens. */
export function ConfirmButton({ question, onConfirm, children, loading, ...props }: ButtonProps & {
  question: ReactNode; onConfirm: () => void; children: ReactNode; loading?: boolean;
}) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button color="red" variant="light" size="xs" onClick={open} loading={loading} {...props}>{children}</Button>
      <Modal opened={opened} onClose={close} title="Please confirm" centered>
        <Text mb="md">{question}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>Cancel</Button>
          <Button color="red" onClick={() => { close(); onConfirm(); }} data-autofocus>{children}</Button>
        </Group>
      </Modal>
    </>
  );
}

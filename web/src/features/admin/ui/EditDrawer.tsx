import { Button, Drawer, Group, type DrawerProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { ConfirmButton } from './ConfirmButton';

/** The side drawer that adds (editing = 'new') or changes an object; closed when editing is null. */
export function EditDrawer<T>({ editing, onClose, noun, size = 'md', children }: {
  editing: T | 'new' | null; onClose: () => void; noun: string; size?: DrawerProps['size']; children: (item: T | null) => ReactNode;
}) {
  return (
    <Drawer opened={editing !== null} onClose={onClose} title={editing === 'new' ? `Add ${noun}` : `Change ${noun}`} position="right" size={size}>
      {editing !== null && children(editing === 'new' ? null : editing)}
    </Drawer>
  );
}

/** A row's Edit and (asked first) Delete buttons, labelled with what they act on. */
export function RowActions({ name, onEdit, onDelete, question, children }: { name: string; onEdit: () => void; onDelete?: () => void; question?: string; children?: ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Button size="xs" variant="default" onClick={onEdit} aria-label={`Edit ${name}`}>Edit</Button>
      {children}
      {onDelete && <ConfirmButton question={question ?? `Delete ${name}?`} onConfirm={onDelete} aria-label={`Delete ${name}`}>Delete</ConfirmButton>}
    </Group>
  );
}

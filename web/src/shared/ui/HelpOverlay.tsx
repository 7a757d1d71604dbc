import { Kbd, Modal, Table, Text } from '@mantine/core';
import { useShortcut, useShortcutList } from '../shortcuts/registry';
import { useState } from 'react';

/** The keyboard help (?): every shortcut registered right now, by group. */
export function HelpOverlay() {
  const [open, setOpen] = useState(false);
  useShortcut({ keys: ['?'], label: 'Show keyboard shortcuts', group: 'General' }, () => setOpen((o) => !o));
  const list = useShortcutList();
  const groups = [...new Set(list.map((s) => s.group))];
  return (
    <Modal opened={open} onClose={() => setOpen(false)} title="Keyboard shortcuts" size="lg">
      {groups.map((g) => (
        <div key={g}>
          <Text fw={600} mt="sm">{g}</Text>
          <Table striped>
            <Table.Tbody>
              {list.filter((s) => s.group === g).map((s) => (
                <Table.Tr key={s.label} c={s.available ? undefined : 'dimmed'}>
                  <Table.Td>{s.label}{s.available ? '' : ' (not now)'}</Table.Td>
                  <Table.Td>{s.keys.map((k, i) => <span key={k}>{i > 0 && ' or '}<Kbd>{k}</Kbd></span>)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      ))}
    </Modal>
  );
}

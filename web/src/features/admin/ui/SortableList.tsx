import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { arrayMove, SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ActionIcon, Group, Paper, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Keyed { key: string }

/**
 * An ordered list (search order matters): drag the handle, or use the handle with the keyboard
 * (space, arrows, space; dnd-kit's sensor), or the move up/down buttons.
 */
export function SortableList<T extends Keyed>({ items, onChange, render, label }: {
  items: T[]; onChange: (items: T[]) => void; render: (item: T, index: number) => ReactNode; label: (item: T, index: number) => string;
}) {
  const sensors = useSensors(useSensor(PointerSensor), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = items.findIndex((i) => i.key === active.id);
    const to = items.findIndex((i) => i.key === over.id);
    if (from >= 0 && to >= 0) onChange(arrayMove(items, from, to));
  };
  const move = (i: number, by: number) => { const j = i + by; if (j >= 0 && j < items.length) onChange(arrayMove(items, i, j)); };
  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
      <SortableContext items={items.map((i) => i.key)} strategy={verticalListSortingStrategy}>
        <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {items.map((item, i) => (
            <SortableRow key={item.key} id={item.key} index={i} count={items.length} label={label(item, i)} onMove={(by) => move(i, by)}>
              {render(item, i)}
            </SortableRow>
          ))}
        </Stack>
      </SortableContext>
    </DndContext>
  );
}

function SortableRow({ id, index, count, label, onMove, children }: { id: string; index: number; count: number; label: string; onMove: (by: number) => void; children: ReactNode }) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id });
  return (
    <li ref={setNodeRef} style={{ transform: CSS.Transform.toString(transform), transition, opacity: isDragging ? 0.6 : 1 }} data-testid="sortable-row">
      <Paper withBorder p="sm">
        <Group align="flex-start" wrap="nowrap" gap="sm">
          <Stack gap={4} align="center">
            <Text fw={700} size="sm" aria-hidden>{index + 1}</Text>
            <ActionIcon variant="subtle" aria-label={`Drag ${label} (space, then arrow keys)`} {...attributes} {...listeners} style={{ cursor: 'grab' }}>⠿</ActionIcon>
            <ActionIcon variant="default" size="sm" aria-label={`Move ${label} up`} disabled={index === 0} onClick={() => onMove(-1)}>↑</ActionIcon>
            <ActionIcon variant="default" size="sm" aria-label={`Move ${label} down`} disabled={index === count - 1} onClick={() => onMove(1)}>↓</ActionIcon>
          </Stack>
          <div style={{ flex: 1, minWidth: 0 }}>{children}</div>
        </Group>
      </Paper>
    </li>
  );
}

import { useEffect, useRef, useState } from 'react';
import type { Keyed } from '../ui/SortableList';

let seq = 0;
export const newRowKey = () => `row${++seq}`;

/** The area whose table is shown: the first one until the admin picks another. */
export function useAreaChoice(areas: { id: string }[] | undefined) {
  const [areaId, setAreaId] = useState<string | null>(null);
  useEffect(() => { if (!areaId && areas?.[0]) setAreaId(areas[0].id); }, [areaId, areas]);
  return [areaId, setAreaId] as const;
}

/**
 * An ordered table edited on screen and saved whole. The server's table replaces the one on
 * screen only when nothing is being edited: on first load, on a change of area, after saving.
 */
export function useRuleTable<S, R extends Keyed>(areaId: string | null, data: S[] | undefined, toRow: (s: S) => R) {
  const [rows, setRows] = useState<R[] | null>(null);
  const [errors, setErrors] = useState<{ message: string | null; byRow: Record<number, string> }>({ message: null, byRow: {} });
  const dirty = useRef(false);
  const shownArea = useRef<string | null>(null);
  const convert = useRef(toRow);
  convert.current = toRow;
  useEffect(() => {
    if (shownArea.current !== areaId) { shownArea.current = areaId; dirty.current = false; setRows(null); }
    if (data && !dirty.current) setRows(data.map((s) => convert.current(s)));
  }, [data, areaId]);
  const edit = (f: (rs: R[]) => R[]) => { dirty.current = true; setRows((rs) => f(rs ?? [])); };
  return {
    rows, errors, setErrors, edit,
    update: (i: number, patch: Partial<R>) => edit((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r))),
    remove: (i: number) => edit((rs) => rs.filter((_, j) => j !== i)),
    /** After a successful save: take the server's table again. */
    saved: () => { dirty.current = false; },
  };
}

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { comboOf, isTyping } from './combo';

/**
 * Every keyboard action of the app is declared with useShortcut; the registry handles the keys
 * and lists what is registered right now on the help overlay (?).
 */
export interface Shortcut {
  /** One or more combos, e.g. ['F10', 'Alt+A']. */
  keys: readonly string[];
  label: string;
  group: string;
}

export interface ListedShortcut extends Shortcut {
  /** False while the action does not apply (no offer, no contact): listed, dimmed. */
  available: boolean;
}

interface Entry extends Shortcut { id: number; run: () => void; enabled: boolean }

interface Registry {
  register(entry: Entry): () => void;
  list: ListedShortcut[];
}

const Ctx = createContext<Registry | null>(null);

export function ShortcutProvider({ children }: { children: ReactNode }) {
  const entries = useRef(new Map<number, Entry>());
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e)) return;
      const combo = comboOf(e);
      // The latest registration wins (a dialog's Escape over the page's).
      const hit = [...entries.current.values()].reverse().find((s) => s.enabled && s.keys.includes(combo));
      if (!hit) return;
      e.preventDefault();
      hit.run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const register = useCallback((entry: Entry) => {
    entries.current.set(entry.id, entry);
    setVersion((v) => v + 1);
    return () => { entries.current.delete(entry.id); setVersion((v) => v + 1); };
  }, []);
  const registry = useMemo<Registry>(() => ({
    register,
    list: version >= 0 ? dedupe([...entries.current.values()].map(({ keys, label, group, enabled }) => ({ keys, label, group, available: enabled }))) : [],
  }), [register, version]);

  return <Ctx.Provider value={registry}>{children}</Ctx.Provider>;
}

let nextId = 1;

/** One line per label (a shortcut registered by several mounted components), available if any is. */
function dedupe(list: ListedShortcut[]): ListedShortcut[] {
  const byLabel = new Map<string, ListedShortcut>();
  for (const s of list) {
    const seen = byLabel.get(s.label);
    byLabel.set(s.label, seen ? { ...seen, available: seen.available || s.available } : s);
  }
  return [...byLabel.values()];
}

/** Registers a shortcut while the component is mounted (and enabled). */
export function useShortcut(shortcut: Shortcut, run: () => void, enabled = true): void {
  const registry = useContext(Ctx);
  if (!registry) throw new Error('useShortcut outside ShortcutProvider');
  const latest = useRef(run);
  latest.current = run;
  const { register } = registry;
  const keys = shortcut.keys.join(' ');
  useEffect(() => register({
    id: nextId++, keys: keys.split(' '), label: shortcut.label, group: shortcut.group, enabled, run: () => latest.current(),
  }), [register, keys, shortcut.label, shortcut.group, enabled]);
}

export function useShortcutList(): ListedShortcut[] {
  const registry = useContext(Ctx);
  return registry?.list ?? [];
}

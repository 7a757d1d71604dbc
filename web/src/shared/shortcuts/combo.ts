/**
 * Keyboard combos as written in the help overlay: 'F10', 'Alt+A', 'Shift+?', 'Escape'.
 * Letters match by physical key (event.code), so Alt+A works on layouts where Alt changes the letter.
 */
export function comboOf(e: KeyboardEvent): string {
  let key = e.key;
  if (/^Key[A-Z]$/.test(e.code)) key = e.code.slice(3);
  else if (/^Digit[0-9]$/.test(e.code)) key = e.code.slice(5);
  else if (key.length === 1) key = key.toUpperCase();
  const parts: string[] = [];
  if (e.ctrlKey) parts.push('Ctrl');
  if (e.altKey) parts.push('Alt');
  if (e.metaKey) parts.push('Meta');
  // Shift is part of printable symbols already ('?' is Shift+/); name it only for letters and named keys.
  if (e.shiftKey && (key.length > 1 || /[A-Z0-9]/.test(key))) parts.push('Shift');
  parts.push(key);
  return parts.join('+');
}

/** Typing in a field must not trigger single-key shortcuts; F-keys and Ctrl/Alt combos still work. */
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  const editable = t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName);
  if (!editable) return false;
  return !(e.altKey || e.ctrlKey || e.metaKey || /^F\d{1,2}$/.test(e.key) || e.key === 'Escape');
}

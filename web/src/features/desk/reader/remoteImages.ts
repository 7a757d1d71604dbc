/** Per-sender "always show images", kept in this browser (localStorage). */
const KEY = 'switchyard.alwaysShowImages';

function load(): Set<string> {
  try { return new Set(JSON.parse(localStorage.getItem(KEY) ?? '[]') as string[]); } catch { return new Set(); }
}

export function alwaysShowsImages(sender: string | null | undefined): boolean {
  return !!sender && load().has(sender.toLowerCase());
}

export function setAlwaysShowImages(sender: string, on: boolean): void {
  const set = load();
  if (on) set.add(sender.toLowerCase()); else set.delete(sender.toLowerCase());
  localStorage.setItem(KEY, JSON.stringify([...set]));
}

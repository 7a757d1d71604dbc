/** Names and sizes of my uploads, remembered in this browser (a draft keeps only their ids). */
const KEY = 'switchyard.uploads';

export interface UploadMeta { id: string; filename: string; size: number; contentType: string }

function load(): Record<string, UploadMeta> {
  try { return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, UploadMeta>; } catch { return {}; }
}

export function rememberUpload(u: UploadMeta): void {
  const all = load();
  all[u.id] = { id: u.id, filename: u.filename, size: u.size, contentType: u.contentType };
  localStorage.setItem(KEY, JSON.stringify(all));
}

export function uploadMeta(id: string): UploadMeta {
  return load()[id] ?? { id, filename: 'attached file', size: 0, contentType: '' };
}

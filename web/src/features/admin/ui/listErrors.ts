import { ApiFailure, messageOf } from '@/shared/api';

/** For a whole-table PUT: the API's details ('body.rules.2.destinations.0.queueId') by row index, the rest as one message. */
export function applyApiErrorsToList(err: unknown, listField: string): { message: string | null; byRow: Record<number, string> } {
  if (!(err instanceof ApiFailure)) return { message: messageOf(err), byRow: {} };
  const byRow: Record<number, string> = {};
  const re = new RegExp(`^body\\.${listField}\\.(\\d+)\\.?(.*)$`);
  let placed = 0;
  for (const d of err.details) {
    const m = re.exec(d.path);
    if (!m) continue;
    const i = Number(m[1]);
    byRow[i] = `${byRow[i] ? `${byRow[i]}; ` : ''}${m[2] ? `${m[2]}: ` : ''}${d.message}`;
    placed += 1;
  }
  return { message: placed === err.details.length && placed > 0 ? null : err.message, byRow };
}

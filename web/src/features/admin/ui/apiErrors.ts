import type { UseFormReturnType } from '@mantine/form';
import { ApiFailure, messageOf } from '@/shared/api';

/**
 * The API's validation answer ({ error: { code, message, details: [{ path: 'body.port', … }] } })
 * put beside the right field: 'body.auth.user' becomes the form field 'auth.user'. Returns the
 * message to show above the form when no field took it (or when there were no details).
 */
export function applyApiErrors<T extends Record<string, unknown>>(form: UseFormReturnType<T>, err: unknown, aliases: Record<string, string> = {}): string | null {
  if (!(err instanceof ApiFailure)) return messageOf(err);
  const known = new Set(Object.keys(flatten(form.getValues())));
  let placed = 0;
  const errors: Record<string, string> = {};
  for (const d of err.details) {
    const raw = d.path.replace(/^body\.?/, '');
    const path = aliases[raw] ?? raw;
    const field = closestField(path, known);
    if (field) { errors[field] = errors[field] ? `${errors[field]}; ${d.message}` : d.message; placed += 1; }
  }
  if (placed) form.setErrors(errors);
  return placed === err.details.length && placed > 0 ? null : err.message;
}

/** 'relaxation.0.afterSeconds' → itself when the form has it, else its nearest known parent. */
function closestField(path: string, known: Set<string>): string | null {
  const parts = path.split('.');
  while (parts.length) {
    const p = parts.join('.');
    if (known.has(p)) return p;
    parts.pop();
  }
  return null;
}

function flatten(value: unknown, prefix = '', out: Record<string, true> = {}): Record<string, true> {
  if (prefix) out[prefix] = true;
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

import { notifications } from '@mantine/notifications';
import { messageOf } from '@/shared/api';

export const saved = (what: string) => notifications.show({ color: 'teal', message: `${what} saved` });
export const failed = (what: string) => (err: unknown) => notifications.show({ color: 'red', title: what, message: messageOf(err) });

/** Lines of a textarea ↔ a list (blank lines dropped). */
export const linesOf = (text: string): string[] => text.split('\n').map((s) => s.trim()).filter(Boolean);

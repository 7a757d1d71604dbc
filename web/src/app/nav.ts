import type { User } from '@/shared/api';

/**
 * The shell's navigation. A new screen (admin, monitor, statistics) adds its route in
 * router.tsx and one entry here; roles limit who sees the link.
 */
export interface NavItem {
  path: string;
  label: string;
  roles: ReadonlyArray<User['role']>;
}

export const NAV: NavItem[] = [
  { path: '/desk', label: 'Desk', roles: ['agent', 'supervisor', 'admin'] },
  { path: '/monitor', label: 'Monitor', roles: ['supervisor', 'admin'] },
  { path: '/statistics', label: 'Statistics', roles: ['supervisor', 'admin'] },
  { path: '/admin', label: 'Admin', roles: ['admin'] },
];

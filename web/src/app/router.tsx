import { createBrowserRouter, Navigate } from 'react-router';
import { DeskPage } from '@/features/desk';
import { RouteError } from './shell/RouteError';
import { Shell } from './shell/Shell';

/**
 * Routes of the app. Every screen lives under the shell (sign-in, header, offline banner, event stream).
 * A new screen (admin, monitor, statistics): a folder web/src/features/NAME with an index.ts exporting its
 * page, one route here (lazy: `lazy: () => import('@/features/NAME').then((m) => ({ Component: m.Page }))`
 * keeps the desk's first load small) and one entry in nav.ts with the roles that see it.
 * Features import only from @/shared, never from each other.
 */
export const router = createBrowserRouter([
  {
    path: '/',
    element: <Shell />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/desk" replace /> },
      { path: 'desk/*', element: <DeskPage />, errorElement: <RouteError /> },
      { path: '*', element: <Navigate to="/desk" replace /> },
    ],
  },
]);

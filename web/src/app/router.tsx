import { createBrowserRouter, Navigate } from 'react-router';
import { DeskPage } from '@/features/desk';
import { RouteError } from './shell/RouteError';
import { Shell } from './shell/Shell';

/** Routes of the app. Every screen lives under the shell (sign-in, header, event stream). */
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

import { createBrowserRouter, Navigate } from 'react-router';
import { AdminPage } from '@/features/admin';
import { DeskPage } from '@/features/desk';
import { MonitorPage, WallboardPage } from '@/features/monitor';
import { StatisticsPage } from '@/features/statistics';
import { RequireRole } from './shell/RequireRole';
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
      { path: 'admin/*', element: <RequireRole roles={['admin']}><AdminPage /></RequireRole>, errorElement: <RouteError /> },
      { path: 'monitor/wallboard', element: <RequireRole roles={['supervisor', 'admin']}><WallboardPage /></RequireRole>, errorElement: <RouteError /> },
      { path: 'monitor/*', element: <RequireRole roles={['supervisor', 'admin']}><MonitorPage /></RequireRole>, errorElement: <RouteError /> },
      { path: 'statistics/*', element: <RequireRole roles={['supervisor', 'admin']}><StatisticsPage /></RequireRole>, errorElement: <RouteError /> },
      { path: '*', element: <Navigate to="/desk" replace /> },
    ],
  },
]);

import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { DeskPage } from '@/features/desk';
import { RequireRole } from './shell/RequireRole';
import { RouteError } from './shell/RouteError';
import { Shell } from './shell/Shell';

// Supervisors' and admins' sections load on first use (charts, drag and drop): agents never download them.
const AdminPage = lazy(() => import('@/features/admin').then((m) => ({ default: m.AdminPage })));
const MonitorPage = lazy(() => import('@/features/monitor').then((m) => ({ default: m.MonitorPage })));
const WallboardPage = lazy(() => import('@/features/monitor').then((m) => ({ default: m.WallboardPage })));
const StatisticsPage = lazy(() => import('@/features/statistics').then((m) => ({ default: m.StatisticsPage })));

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

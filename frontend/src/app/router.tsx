import { useState, type ComponentType } from 'react';
import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';

import { RouteErrorFallback } from '@/components/errors';
import { Loading } from '@/components/ui/loading';
import { paths } from '@/config/paths';

import RootRoute from './routes/root';

// Route modules are loaded on demand, so each page's code ships in its own chunk.
type RouteModule = { default: ComponentType };
const page = (load: () => Promise<RouteModule>) => ({
  Component: async () => (await load()).default,
});

export function createAppRoutes(): RouteObject[] {
  return [
    {
      Component: RootRoute,
      HydrateFallback: Loading,
      children: [
        {
          // Errors in a page render inside the layout, header and footer intact.
          errorElement: <RouteErrorFallback />,
          children: [
            { index: true, lazy: page(() => import('./routes/home')) },
            { path: paths.auth.callback.path, lazy: page(() => import('./routes/callback')) },
            { path: paths.auth.logout.path, lazy: page(() => import('./routes/logout')) },
            { path: paths.caseload.path, lazy: page(() => import('./routes/caseload')) },
            { path: paths.person.path, lazy: page(() => import('./routes/person')) },
            { path: paths.dashboards.path, lazy: page(() => import('./routes/dashboards')) },
            { path: paths.admin.root.path, lazy: page(() => import('./routes/admin/index')) },
            { path: paths.admin.teams.path, lazy: page(() => import('./routes/admin/teams')) },
            { path: paths.admin.team.path, lazy: page(() => import('./routes/admin/team')) },
            { path: paths.admin.audit.path, lazy: page(() => import('./routes/admin/audit')) },
            {
              path: paths.admin.breakGlass.path,
              lazy: page(() => import('./routes/admin/break-glass')),
            },
            { path: paths.admin.restore.path, lazy: page(() => import('./routes/admin/restore')) },
            // The HEF form (issue 19): start, draft or submitted, amend, revisions, profile.
            {
              path: paths.assessments.create.path,
              lazy: page(() => import('./routes/assessments/new')),
            },
            {
              path: paths.assessments.detail.path,
              lazy: page(() => import('./routes/assessments/assessment')),
            },
            {
              path: paths.assessments.amend.path,
              lazy: page(() => import('./routes/assessments/amend')),
            },
            {
              path: paths.assessments.revisions.path,
              lazy: page(() => import('./routes/assessments/revisions')),
            },
            {
              path: paths.assessments.profile.path,
              lazy: page(() => import('./routes/assessments/profile')),
            },
            // Board tools and HEAT (features/organisational) and service equity
            // (features/equity) own their pages below these prefixes.
            { path: paths.board.path, lazy: page(() => import('./routes/board')) },
            { path: paths.equity.path, lazy: page(() => import('./routes/equity')) },
            { path: '*', lazy: page(() => import('./routes/not-found')) },
          ],
        },
      ],
    },
  ];
}

export function AppRouter() {
  const [router] = useState(() => createBrowserRouter(createAppRoutes()));
  return <RouterProvider router={router} />;
}

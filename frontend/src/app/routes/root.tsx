import { Outlet } from 'react-router';

import { MainLayout } from '@/components/layouts';

export default function RootRoute() {
  return (
    <MainLayout>
      <Outlet />
    </MainLayout>
  );
}

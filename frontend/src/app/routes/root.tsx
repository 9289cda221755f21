import { Outlet } from 'react-router';

import { MainLayout } from '@/components/layouts';
import { useMe } from '@/features/account/api/get-me';
import { SessionWarning } from '@/features/session/components/session-warning';

import { navigationFor } from '../navigation';

export default function RootRoute() {
  // Idle until someone is signed in; the navigation appears once we know their role.
  const me = useMe();
  return (
    <MainLayout
      navigation={me.isSuccess ? navigationFor(me.data) : []}
      banner={<SessionWarning />}
    >
      <Outlet />
    </MainLayout>
  );
}

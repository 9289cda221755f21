import { PageTitle } from '@/components/seo/page-title';
import { LogoutHandler } from '@/features/auth/components/logout-handler';

export default function LogoutRoute() {
  return (
    <>
      <PageTitle title="Logging out" />
      <LogoutHandler />
    </>
  );
}

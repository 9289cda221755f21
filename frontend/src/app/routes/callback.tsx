import { PageTitle } from '@/components/seo/page-title';
import { LoginCallback } from '@/features/auth/components/login-callback';

export default function CallbackRoute() {
  return (
    <>
      <PageTitle title="Logging in" />
      <LoginCallback />
    </>
  );
}

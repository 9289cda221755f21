import { PageTitle } from '@/components/seo/page-title';
import { Loading } from '@/components/ui/loading';
import { AccountSummary } from '@/features/account/components/account-summary';
import { LoginStart } from '@/features/auth/components/login-start';
import { useAuth } from '@/lib/auth';

export default function HomeRoute() {
  const { status, user } = useAuth();

  if (status === 'loading') {
    return <Loading />;
  }
  if (user === null) {
    return (
      <>
        <PageTitle />
        <LoginStart />
      </>
    );
  }
  return (
    <>
      <PageTitle title="Your account" />
      <AccountSummary />
    </>
  );
}

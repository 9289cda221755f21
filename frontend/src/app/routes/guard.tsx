import type { ReactNode } from 'react';
import { useLocation } from 'react-router';

import { Forbidden, ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Loading } from '@/components/ui/loading';
import { useMe } from '@/features/account/api/get-me';
import { LoginStart } from '@/features/auth/components/login-start';
import type { Me } from '@/lib/access';
import { useAuth } from '@/lib/auth';

type GuardProps = {
  /** Whether this role may use the page at all (the API still checks every request). */
  allowed: (me: Me) => boolean;
  children: (me: Me) => ReactNode;
};

/**
 * A page for signed-in staff whose role allows it. Not signed in: the start page, which
 * comes back here after logging in. Signed in without the role: a clear "no access" page.
 */
export function Guard({ allowed, children }: GuardProps) {
  const { status, user } = useAuth();
  const location = useLocation();
  const me = useMe();

  if (status === 'loading') return <Loading />;
  if (user === null) {
    return (
      <>
        <PageTitle title="Log in" />
        <LoginStart returnTo={`${location.pathname}${location.search}`} />
      </>
    );
  }
  if (me.isPending) return <Loading label="Loading your account details…" />;
  if (me.isError) {
    return (
      <>
        <PageTitle title="Sorry, there is a problem" />
        <h1 className="nhsuk-heading-l">Sorry, there is a problem</h1>
        <ProblemSummary error={me.error} />
      </>
    );
  }
  if (!allowed(me.data)) return <Forbidden />;
  return children(me.data);
}

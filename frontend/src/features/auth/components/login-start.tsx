import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { useAuth } from '@/lib/auth';

/** The start page: what Equitas is, and one way in; `returnTo` is where to land after. */
export function LoginStart({ returnTo }: { returnTo?: string }) {
  const { login } = useAuth();
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);

  const onLogin = () => {
    setPending(true);
    setFailed(false);
    // On success the browser leaves for the IdP, so only failure comes back here.
    login(returnTo).catch((error: unknown) => {
      console.error('Login could not start', error);
      setFailed(true);
      setPending(false);
    });
  };

  return (
    <>
      {failed && (
        <ErrorSummary title="You cannot log in at the moment">
          <p>The login service did not respond. Try again in a few minutes.</p>
        </ErrorSummary>
      )}
      <h1 className="nhsuk-heading-xl">Equitas</h1>
      <p className="nhsuk-lede-text">
        Measure health inequalities in your services, and track what you do about them.
      </p>
      <p className="nhsuk-body">
        Use Equitas to record Health Equity Framework assessments, see who your services
        reach, and prepare board assurance.
      </p>
      <p className="nhsuk-body">
        You need an NHS Care Identity account (smartcard or authenticator app) to use it.
      </p>
      <Button variant="login" onClick={onLogin} disabled={pending} aria-disabled={pending}>
        Log in
      </Button>
    </>
  );
}

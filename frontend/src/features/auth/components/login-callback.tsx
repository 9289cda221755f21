import { ErrorResponse } from 'oidc-client-ts';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';

import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Loading } from '@/components/ui/loading';
import { useAuth } from '@/lib/auth';

/** What the user is told; the IdP's own words only when it refused the login. */
function describe(error: unknown): string {
  if (error instanceof ErrorResponse && error.error === 'access_denied') {
    return 'You did not give permission to log in, or you do not have access to Equitas.';
  }
  return 'Your login could not be completed. It may have taken too long, or been started in another tab.';
}

/** Lands here from the IdP with ?code=…&state=…, exchanges the code, then moves on. */
export function LoginCallback() {
  const { completeLogin, login } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let active = true;
    completeLogin()
      .then((returnTo) => navigate(returnTo, { replace: true }))
      .catch((failure: unknown) => {
        console.error('Login callback failed', failure);
        if (active) setError(failure);
      });
    return () => {
      active = false;
    };
  }, [completeLogin, navigate]);

  if (error === null) {
    return <Loading label="Logging you in…" />;
  }
  return (
    <>
      <ErrorSummary title="You could not be logged in">
        <p>{describe(error)}</p>
      </ErrorSummary>
      <Button variant="login" onClick={() => void login()}>
        Log in again
      </Button>
    </>
  );
}

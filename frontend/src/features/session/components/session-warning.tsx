import { useEffect, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';

import { Button } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { useAuth } from '@/lib/auth';

const TICK_MS = 1000;

/** "about 2 minutes", "less than a minute": minutes are enough, and read calmly. */
export function timeLeftText(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? 'about 1 minute' : `about ${minutes} minutes`;
}

function useSecondsLeft(expiresAt: number | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (expiresAt === undefined) return;
    const timer = window.setInterval(() => {
      setNow(Date.now());
    }, TICK_MS);
    return () => {
      window.clearInterval(timer);
    };
  }, [expiresAt]);
  return expiresAt === undefined ? null : Math.max(0, expiresAt - Math.floor(now / 1000));
}

function Banner({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div
      className="nhsuk-notification-banner nhsuk-u-margin-top-4"
      role="alert"
      aria-labelledby="session-warning-title"
      data-testid="session-warning"
    >
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id="session-warning-title">
          {title}
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">{children}</div>
    </div>
  );
}

/**
 * Tokens renew on their own with the refresh token. This shows only when that fails:
 * before the session ends, a warning with a way to stay logged in; after, a way back in
 * to the same page. Drafts are saved as people work, so logging in again loses nothing
 * that was saved.
 */
export function SessionWarning() {
  const { user, renewal, sessionEnded, renew, login } = useAuth();
  const location = useLocation();
  const [trying, setTrying] = useState(false);
  const secondsLeft = useSecondsLeft(renewal === 'failed' ? user?.expires_at : undefined);
  const here = `${location.pathname}${location.search}`;

  if (user === null && sessionEnded) {
    return (
      <Banner title="Your session has ended">
        <p className="nhsuk-notification-banner__heading">
          For your security, you were logged out.
        </p>
        <p className="nhsuk-body">Work that was saved is kept. Log in again to carry on.</p>
        <Button onClick={() => void login(here)}>Log in again</Button>
      </Banner>
    );
  }
  if (user === null || renewal !== 'failed' || secondsLeft === null) return null;

  const stay = () => {
    setTrying(true);
    void renew().finally(() => {
      setTrying(false);
    });
  };
  return (
    <Banner title="Your session is about to end">
      <p className="nhsuk-notification-banner__heading">
        You will be logged out in {timeLeftText(secondsLeft)}.
      </p>
      <p className="nhsuk-body">
        We could not keep your session going. Choose &quot;Stay logged in&quot; to try
        again. Anything you have not saved may be lost when you are logged out.
      </p>
      <div className="nhsuk-button-group">
        <Button onClick={stay} disabled={trying} aria-disabled={trying}>
          Stay logged in
        </Button>
        <Link className="nhsuk-link" to={paths.auth.logout.getHref()}>
          Log out
        </Link>
      </div>
    </Banner>
  );
}

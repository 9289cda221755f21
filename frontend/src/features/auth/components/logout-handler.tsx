import { useEffect } from 'react';
import { useNavigate } from 'react-router';

import { Loading } from '@/components/ui/loading';
import { paths } from '@/config/paths';
import { useAuth } from '@/lib/auth';

/**
 * Ends the session. Normally the browser leaves for the IdP's end-session endpoint and
 * comes back to the start page; if the IdP cannot be reached the session still ends
 * here, and we go to the start page directly.
 */
export function LogoutHandler() {
  const { logout } = useAuth();
  const navigate = useNavigate();

  useEffect(() => {
    void logout().then(() => navigate(paths.home.getHref(), { replace: true }));
  }, [logout, navigate]);

  return <Loading label="Logging you out…" />;
}

import { Link, useLocation } from 'react-router';

import { paths } from '@/config/paths';
import { useAuth } from '@/lib/auth';

import { NhsLogo } from './nhs-logo';

function UserIcon() {
  return (
    <svg
      className="nhsuk-icon nhsuk-icon--user"
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      focusable="false"
      aria-hidden="true"
    >
      <path d="M12 1a11 11 0 1 1 0 22 11 11 0 0 1 0-22Zm0 2a9 9 0 0 0-5 16.5V18a4 4 0 0 1 4-4h2a4 4 0 0 1 4 4v1.5A9 9 0 0 0 12 3Zm0 3a3.5 3.5 0 1 1-3.5 3.5A3.4 3.4 0 0 1 12 6Z" />
    </svg>
  );
}

export type NavigationItem = {
  label: string;
  href: string;
  /** Other paths that belong to this item (e.g. a person's pages to "Caseload"). */
  alsoUnder?: readonly string[];
};

const under = (prefix: string, pathname: string) =>
  pathname === prefix || pathname.startsWith(`${prefix}/`);

/** The item for this page or a page under it ("/admin/audit" is under "/admin"). */
function isCurrent(item: NavigationItem, pathname: string): boolean {
  if (item.href === '/') return pathname === '/';
  return [item.href, ...(item.alsoUnder ?? [])].some((prefix) => under(prefix, pathname));
}

function PrimaryNavigation({ items }: { items: readonly NavigationItem[] }) {
  const { pathname } = useLocation();
  return (
    <nav className="nhsuk-header__navigation" aria-label="Menu">
      <div className="nhsuk-header__navigation-container nhsuk-width-container">
        <ul className="nhsuk-header__navigation-list">
          {items.map((item) => {
            const current = isCurrent(item, pathname);
            return (
              <li
                key={item.href}
                className={`nhsuk-header__navigation-item${current ? ' nhsuk-header__navigation-item--current' : ''}`}
              >
                <Link
                  className="nhsuk-header__navigation-link"
                  to={item.href}
                  aria-current={current ? (pathname === item.href ? 'page' : 'true') : undefined}
                >
                  {current ? (
                    <strong className="nhsuk-header__navigation-item-current-fallback">
                      {item.label}
                    </strong>
                  ) : (
                    item.label
                  )}
                </Link>
              </li>
            );
          })}
        </ul>
      </div>
    </nav>
  );
}

/**
 * NHS.UK header with the service name. When someone is signed in it shows who, a way to
 * log out, and the parts of Equitas their role uses; logging in is done from the start
 * page, so there is one "Log in".
 */
export function Header({ navigation = [] }: { navigation?: readonly NavigationItem[] }) {
  const { user } = useAuth();
  const displayName = user?.profile.name ?? user?.profile.sub;

  return (
    <header className="nhsuk-header">
      <div className="nhsuk-header__container nhsuk-width-container">
        <div className="nhsuk-header__service">
          <Link
            className="nhsuk-header__service-logo"
            to={paths.home.getHref()}
            aria-label="NHS Equitas homepage"
          >
            <NhsLogo />
            <span className="nhsuk-header__service-name">Equitas</span>
          </Link>
        </div>
        {user !== null && (
          <nav className="nhsuk-header__account" aria-label="Account">
            <ul className="nhsuk-header__account-list">
              <li className="nhsuk-header__account-item">
                <UserIcon />
                {displayName}
              </li>
              <li className="nhsuk-header__account-item">
                <Link className="nhsuk-header__account-link" to={paths.auth.logout.getHref()}>
                  Log out
                </Link>
              </li>
            </ul>
          </nav>
        )}
      </div>
      {user !== null && navigation.length > 0 && <PrimaryNavigation items={navigation} />}
    </header>
  );
}

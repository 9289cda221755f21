import { Link } from 'react-router';

import { paths } from '@/config/paths';

/** NHS.UK back link (its chevron is drawn by the stylesheet), by default to the admin page. */
export function BackToAdmin({ to = paths.admin.root.getHref(), label = 'Back to admin' }) {
  return (
    <Link className="nhsuk-back-link" to={to}>
      {label}
    </Link>
  );
}

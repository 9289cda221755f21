import { Link } from 'react-router';

import { paths } from '@/config/paths';

const SECTIONS = [
  {
    href: paths.admin.teams.getHref(),
    title: 'Teams and memberships',
    text: 'Set up teams, and say who is in each team and who leads it.',
  },
  {
    href: paths.admin.audit.getHref(),
    title: 'Audit log',
    text: 'Who read or changed what, and every attempt that was refused.',
  },
  {
    href: paths.admin.breakGlass.getHref(),
    title: 'Break-glass access',
    text: 'Staff who gave a reason to see someone another team cares for. Withdraw access.',
  },
  {
    href: paths.admin.restore.getHref(),
    title: 'Restore a deleted assessment',
    text: 'Bring back an assessment that was deleted by mistake.',
  },
];

/** The organisation administrator's start page. */
export function AdminHome() {
  return (
    <>
      <h1 className="nhsuk-heading-l">Admin</h1>
      <ul className="nhsuk-grid-row nhsuk-card-group">
        {SECTIONS.map((section) => (
          <li className="nhsuk-grid-column-one-half nhsuk-card-group__item" key={section.href}>
            <div className="nhsuk-card nhsuk-card--clickable">
              <div className="nhsuk-card__content">
                <h2 className="nhsuk-card__heading nhsuk-heading-m">
                  <Link className="nhsuk-card__link" to={section.href}>
                    {section.title}
                  </Link>
                </h2>
                <p className="nhsuk-card__description">{section.text}</p>
              </div>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

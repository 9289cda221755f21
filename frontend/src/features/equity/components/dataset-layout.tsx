import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { PageTitle } from '@/components/seo/page-title';

import type { Dataset } from '../api/types';
import { equityPaths, SECTIONS, type Section } from '../paths';

type DatasetLayoutProps = {
  dataset: Dataset;
  section: Section;
  children: ReactNode;
};

/** Each page of a dataset: its own heading (and title), with the dataset's pages listed. */
export function DatasetLayout({ dataset, section, children }: DatasetLayoutProps) {
  const current = SECTIONS.find((s) => s.value === section) ?? SECTIONS[0];
  return (
    <>
      <PageTitle title={`${current.label} – ${dataset.title}`} />
      <Link className="nhsuk-back-link" to={equityPaths.datasets()}>
        All datasets
      </Link>
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-l">
          {dataset.title}
          <span className="nhsuk-u-visually-hidden"> – </span>
        </span>
        {current.label}
      </h1>
      <nav className="nhsuk-contents-list" aria-label="Pages of this dataset">
        <ol className="nhsuk-contents-list__list">
          {SECTIONS.map((s) =>
            s.value === section ? (
              <li className="nhsuk-contents-list__item" aria-current="page" key={s.value}>
                <span className="nhsuk-contents-list__current">{s.label}</span>
              </li>
            ) : (
              <li className="nhsuk-contents-list__item" key={s.value}>
                <Link className="nhsuk-contents-list__link" to={equityPaths.dataset(dataset.id, s.value)}>
                  {s.label}
                </Link>
              </li>
            ),
          )}
        </ol>
      </nav>
      {children}
    </>
  );
}

/** The caveats every equity figure is printed with. */
export function Caveats({ caveats, heading = 'Read these figures with care' }: { caveats: readonly string[]; heading?: string }) {
  if (caveats.length === 0) return null;
  return (
    <div className="nhsuk-inset-text">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      <h2 className="nhsuk-heading-s">{heading}</h2>
      <ul className="nhsuk-list nhsuk-list--bullet nhsuk-body-s">
        {caveats.map((caveat) => (
          <li key={caveat}>{caveat}</li>
        ))}
      </ul>
    </div>
  );
}

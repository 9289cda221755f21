import './determinant-bars.scss';

import type { SectionFigures } from '../lib/figures';

/**
 * A bar per section on the headline score. Decorative for assistive technology (the table
 * beside it holds every figure); each bar also prints its number and band, so colour is
 * never the only way to read it.
 */
export function DeterminantBars({
  figures,
  ruleId,
  ruleLabel,
}: {
  figures: readonly SectionFigures[];
  ruleId: string;
  ruleLabel: string;
}) {
  return (
    <figure className="equitas-bars" aria-hidden="true" data-testid="profile-chart">
      <figcaption className="nhsuk-body-s">{ruleLabel}, by section (higher is more impact)</figcaption>
      {figures.map((figure) => {
        const value = figure.scores[ruleId] ?? 0;
        const percent = figure.headlineMax > 0 ? Math.round((value / figure.headlineMax) * 100) : 0;
        return (
          <div className="equitas-bars__row" key={figure.section.id}>
            <span className="equitas-bars__label">{figure.section.title}</span>
            <span className="equitas-bars__track">
              <span
                className={`equitas-bars__bar equitas-bars__bar--${figure.band?.code ?? 'none'}`}
                style={{ width: `${String(percent)}%` }}
              />
            </span>
            <span className="equitas-bars__value">
              {figure.scores[ruleId] ?? '–'} of {figure.headlineMax}
              {figure.band && ` · ${figure.band.label}`}
            </span>
          </div>
        );
      })}
    </figure>
  );
}

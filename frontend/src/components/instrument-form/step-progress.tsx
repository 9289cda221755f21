import { Link } from 'react-router';

import './instrument-form.scss';

/** A step of a form drawn from an instrument definition (a section, or a page around them). */
export type FormStep = { id: string; title: string };

type StepProgressProps<S extends FormStep> = {
  steps: readonly S[];
  current: number;
  /** "3 of 6 answered", per step, where it applies. */
  statusOf: (step: S) => string | undefined;
};

export const stepSearch = (stepId: string) => `?step=${encodeURIComponent(stepId)}`;

/** "Step 2 of 7" with a bar, for everyone; the bar's figure is in the text. */
export function StepCounter({
  steps,
  current,
}: Pick<StepProgressProps<FormStep>, 'steps' | 'current'>) {
  const percent = Math.round(((current + 1) / steps.length) * 100);
  return (
    <div className="equitas-step-counter">
      <span className="nhsuk-caption-l" data-testid="step-counter">
        Step {current + 1} of {steps.length}
      </span>
      <div className="equitas-progress" aria-hidden="true">
        <div className="equitas-progress__bar" style={{ width: `${String(percent)}%` }} />
      </div>
    </div>
  );
}

/** Every step as a link with how much of it is answered: jump to any step, in any order. */
export function StepList<S extends FormStep>({ steps, current, statusOf }: StepProgressProps<S>) {
  return (
    <nav className="nhsuk-contents-list" aria-label="Assessment steps">
      <h2 className="nhsuk-heading-s">All steps</h2>
      <ol className="nhsuk-contents-list__list">
        {steps.map((step, index) => {
          const status = statusOf(step);
          return (
            <li
              className={`nhsuk-contents-list__item${index === current ? ' nhsuk-contents-list__item--current' : ''}`}
              key={step.id}
              aria-current={index === current ? 'step' : undefined}
            >
              {index === current ? (
                <span className="nhsuk-contents-list__current">
                  {step.title}
                  {status && ` (${status})`}
                </span>
              ) : (
                <Link className="nhsuk-contents-list__link" to={stepSearch(step.id)}>
                  {step.title}
                  {status && ` (${status})`}
                </Link>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

import { useEffect, useId, useRef, type ReactNode } from 'react';

export type ErrorSummaryItem = {
  text: string;
  /** The field the error is about, e.g. "#date-of-birth". */
  href?: string;
};

type ErrorSummaryProps = {
  title?: string;
  children?: ReactNode;
  errors?: readonly ErrorSummaryItem[];
};

/**
 * NHS.UK error summary. Takes focus when it appears so that screen reader and keyboard
 * users are told about the problem at once (as the nhsuk-frontend script does).
 */
export function ErrorSummary({
  title = 'There is a problem',
  children,
  errors = [],
}: ErrorSummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  const headingId = useId();

  useEffect(() => {
    ref.current?.focus();
  }, []);

  return (
    <div ref={ref} className="nhsuk-error-summary" tabIndex={-1}>
      <div role="alert" aria-labelledby={headingId}>
        <h2 className="nhsuk-error-summary__heading" id={headingId}>
          {title}
        </h2>
        <div className="nhsuk-error-summary__body">
          {children}
          {errors.length > 0 && (
            <ul className="nhsuk-list nhsuk-error-summary__list">
              {errors.map((error) => (
                <li key={`${error.href ?? ''}${error.text}`}>
                  {error.href === undefined ? error.text : <a href={error.href}>{error.text}</a>}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </div>
  );
}

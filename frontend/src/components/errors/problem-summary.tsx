import { ErrorSummary } from '@/components/ui/error-summary';

import { describeProblem } from './problem';

type ProblemSummaryProps = {
  error: unknown;
  /** Where each named field is on the page, e.g. { 'body.reason': '#reason' }. */
  fieldTargets?: Record<string, string>;
  /** Replaces the title chosen from the status. */
  title?: string;
};

/** A failed request as an NHS.UK error summary, in plain words (see describeProblem). */
export function ProblemSummary({ error, fieldTargets = {}, title }: ProblemSummaryProps) {
  const problem = describeProblem(error);
  return (
    <ErrorSummary
      title={title ?? problem.title}
      errors={problem.fields.map((f) => ({ text: f.message, href: fieldTargets[f.field] }))}
    >
      <p>{problem.body}</p>
    </ErrorSummary>
  );
}

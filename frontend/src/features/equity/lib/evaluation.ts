import type { Breakdown, EvaluationParams, Measure } from '../api/types';

export type EvaluationDraft = {
  intervention: string;
  baselineFrom: string;
  afterTo: string;
  measure: Measure;
  by: Breakdown;
  focus: string;
};

export type EvaluationProblem = { field: 'intervention' | 'baseline' | 'after'; text: string };

/**
 * The checks the service makes, said before asking: an intervention date; the baseline
 * starts before it; the after period ends on or after it. Dates are ISO strings ('' = none).
 */
export function checkEvaluation(draft: EvaluationDraft, today: string): EvaluationProblem[] {
  const problems: EvaluationProblem[] = [];
  if (draft.intervention === '') {
    problems.push({ field: 'intervention', text: 'Enter the date the change was made, for example 1 10 2025' });
  } else if (draft.intervention > today) {
    problems.push({ field: 'intervention', text: 'The date the change was made must be today or in the past' });
  }
  if (draft.baselineFrom !== '' && draft.intervention !== '' && draft.baselineFrom >= draft.intervention) {
    problems.push({ field: 'baseline', text: 'The baseline must start before the date the change was made' });
  }
  if (draft.afterTo !== '' && draft.intervention !== '' && draft.afterTo < draft.intervention) {
    problems.push({ field: 'after', text: 'The period after must end on or after the date the change was made' });
  }
  return problems;
}

export function evaluationQuery(draft: EvaluationDraft): EvaluationParams {
  return {
    intervention: draft.intervention,
    measure: draft.measure,
    by: draft.by,
    baseline_from: draft.baselineFrom === '' ? null : draft.baselineFrom,
    after_to: draft.afterTo === '' ? null : draft.afterTo,
    focus: draft.focus === '' ? null : draft.focus,
  };
}

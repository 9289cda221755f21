import type { StepWrite } from '../api/types';

type Option<T extends string> = { value: T; label: string };

export const STAGES: readonly Option<StepWrite['stage']>[] = [
  { value: 'focus', label: 'Focus: choose where to start' },
  { value: 'understanding', label: 'Understand the people behind the data' },
  { value: 'adjustment', label: 'Make adjustments' },
  { value: 'evaluation', label: 'Evaluate' },
  { value: 'staff_development', label: 'Staff development' },
];

export const ACTIONS: readonly Option<StepWrite['action']>[] = [
  { value: 'improve_recording', label: 'Improve recording of characteristics' },
  { value: 'community_engagement', label: 'Community engagement' },
  { value: 'literature_review', label: 'Literature review' },
  { value: 'patient_insight', label: 'Patient insight' },
  { value: 'pathway_adjustment', label: 'Adjust the pathway' },
  { value: 'reasonable_adjustment', label: 'Reasonable adjustments' },
  { value: 'outreach', label: 'Outreach' },
  { value: 'interpreter_access', label: 'Access to interpreters' },
  { value: 'digital_inclusion', label: 'Digital inclusion' },
  { value: 'appointment_flexibility', label: 'More flexible appointments' },
  { value: 'evaluate_change', label: 'Evaluate a change' },
  { value: 'staff_training', label: 'Staff training' },
  { value: 'other', label: 'Other' },
];

export const STATUSES: readonly Option<NonNullable<StepWrite['status']>>[] = [
  { value: 'planned', label: 'Planned' },
  { value: 'in_progress', label: 'In progress' },
  { value: 'done', label: 'Done' },
  { value: 'stopped', label: 'Stopped' },
];

export const ANALYSES: readonly Option<NonNullable<StepWrite['analysis']> | ''>[] = [
  { value: '', label: 'None' },
  { value: 'completeness', label: 'Data completeness' },
  { value: 'representation', label: 'Representation' },
  { value: 'engagement', label: 'Engagement and outcomes' },
  { value: 'evaluation', label: 'Evaluation of a change' },
];

export function labelOf<T extends string>(options: readonly Option<T>[], value: string | null | undefined): string {
  return options.find((o) => o.value === value)?.label ?? (value ?? '');
}

export type StepDraft = {
  stage: StepWrite['stage'];
  action: StepWrite['action'];
  owner_role: string;
  starts_on: string;
  due_on: string;
  status: NonNullable<StepWrite['status']>;
  analysis: NonNullable<StepWrite['analysis']> | '';
  breakdown: string;
  category: string;
};

export const EMPTY_STEP: StepDraft = {
  stage: 'focus',
  action: 'improve_recording',
  owner_role: '',
  starts_on: '',
  due_on: '',
  status: 'planned',
  analysis: '',
  breakdown: '',
  category: '',
};

export type StepProblem = { field: 'owner_role' | 'due_on'; text: string };

/** The checks the service makes, said before sending: an owner, and due after it starts. */
export function checkStep(draft: StepDraft): StepProblem[] {
  const problems: StepProblem[] = [];
  const owner = draft.owner_role.trim();
  if (owner === '') problems.push({ field: 'owner_role', text: 'Enter the role that owns this step, for example Service manager' });
  else if (owner.length > 80) problems.push({ field: 'owner_role', text: 'The owner’s role must be 80 characters or fewer' });
  if (draft.starts_on !== '' && draft.due_on !== '' && draft.due_on < draft.starts_on) {
    problems.push({ field: 'due_on', text: 'The due date must be the same as or after the start date' });
  }
  return problems;
}

/** A draft as the service takes it: empty dates and links as null. */
export function stepBody(draft: StepDraft): StepWrite {
  return {
    stage: draft.stage,
    action: draft.action,
    owner_role: draft.owner_role.trim(),
    starts_on: draft.starts_on === '' ? null : draft.starts_on,
    due_on: draft.due_on === '' ? null : draft.due_on,
    status: draft.status,
    analysis: draft.analysis === '' ? null : draft.analysis,
    breakdown: draft.analysis === '' || draft.breakdown === '' ? null : draft.breakdown,
    category: draft.analysis === '' || draft.category === '' ? null : draft.category,
  };
}

export function draftOf(step: StepWrite): StepDraft {
  return {
    stage: step.stage,
    action: step.action,
    owner_role: step.owner_role,
    starts_on: step.starts_on ?? '',
    due_on: step.due_on ?? '',
    status: step.status,
    analysis: step.analysis ?? '',
    breakdown: step.breakdown ?? '',
    category: step.category ?? '',
  };
}

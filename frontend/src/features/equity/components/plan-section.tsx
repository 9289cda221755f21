import { useState, type ChangeEvent, type SyntheticEvent } from 'react';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { DateInput } from '@/components/ui/date-input';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Select, TextInput } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable, type TableColumn } from '@/components/ui/responsive-table';
import { Tag, type TagColour } from '@/components/ui/tag';
import { formatDate } from '@/lib/format';

import { useAddStep, useChangeStep, useSteps } from '../api/steps';
import type { Dataset, Step, StepWrite } from '../api/types';
import { BREAKDOWNS, breakdownLabel, categoryLabel, focusOptions } from '../lib/labels';
import {
  ACTIONS,
  ANALYSES,
  checkStep,
  draftOf,
  EMPTY_STEP,
  labelOf,
  STAGES,
  STATUSES,
  stepBody,
  type StepDraft,
  type StepProblem,
} from '../lib/plan';

import { AnalysisProblem } from './figure-states';

const STATUS_COLOUR: Record<string, TagColour> = {
  planned: 'grey',
  in_progress: 'blue',
  done: 'green',
  stopped: 'red',
};

const NOT_GIVEN = { value: '', label: 'Not given' };

function motivatedBy(step: Step): string {
  if (step.analysis === null || step.analysis === undefined) return 'Not linked';
  const parts = [labelOf(ANALYSES, step.analysis)];
  if (step.breakdown) parts.push(`by ${breakdownLabel(step.breakdown).toLowerCase()}`);
  if (step.category) parts.push(`(${categoryLabel(step.breakdown, step.category)})`);
  return parts.join(' ');
}

const dateOrNotSet = (value: string | null | undefined) => (value ? formatDate(value) : 'Not set');

const stepName = (step: Step) => labelOf(ACTIONS, step.action);

type StepFormProps = {
  idPrefix: string;
  initial: StepDraft;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (body: StepWrite) => void;
  onCancel?: () => void;
};

/** The fields of a step: structured only, no notes (decision 0033). */
function StepForm({ idPrefix, initial, submitLabel, pending, error, onSubmit, onCancel }: StepFormProps) {
  const [draft, setDraft] = useState(initial);
  const [problems, setProblems] = useState<StepProblem[]>([]);
  const id = (name: string) => `${idPrefix}-${name}`;
  /** A select or text field's id, value and change handler for one field of the draft. */
  const field = <K extends 'stage' | 'action' | 'owner_role' | 'status' | 'analysis' | 'breakdown' | 'category'>(
    name: K,
    also: Partial<StepDraft> = {},
  ) => ({
    id: id(name),
    value: draft[name],
    onChange: (e: ChangeEvent<HTMLSelectElement | HTMLInputElement>) => {
      const value = e.target.value;
      setDraft((now) => ({ ...now, [name]: value, ...also }));
    },
  });
  const date = (name: 'starts_on' | 'due_on') => ({
    value: draft[name],
    onChange: (value: string) => {
      setDraft((now) => ({ ...now, [name]: value }));
    },
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const found = checkStep(draft);
    setProblems(found);
    if (found.length === 0) onSubmit(stepBody(draft));
  };
  const targets: Record<StepProblem['field'], string> = {
    owner_role: `#${id('owner_role')}`,
    due_on: `#${id('due')}-day`,
  };
  const errorOf = (name: StepProblem['field']) => problems.find((p) => p.field === name)?.text;
  const groups = focusOptions(draft.breakdown);
  return (
    <form onSubmit={submit} noValidate aria-label={submitLabel}>
      {problems.length > 0 && <ErrorSummary errors={problems.map((p) => ({ text: p.text, href: targets[p.field] }))} />}
      {error !== null && error !== undefined && (
        <ProblemSummary error={error} fieldTargets={{ 'body.owner_role': targets.owner_role, 'body.due_on': targets.due_on }} />
      )}
      <Select {...field('stage')} label="Stage" options={STAGES} />
      <Select {...field('action')} label="Action" options={ACTIONS} />
      <TextInput
        {...field('owner_role')}
        label="Owner (a role, not a person’s name)"
        hint="For example, Service manager"
        maxLength={80}
        autoComplete="off"
        error={errorOf('owner_role')}
      />
      <DateInput id={id('starts')} legend="Starts (optional)" {...date('starts_on')} />
      <DateInput id={id('due')} legend="Due (optional)" error={errorOf('due_on')} {...date('due_on')} />
      <Select {...field('status')} label="Status" options={STATUSES} />
      <Select {...field('analysis')} label="The analysis that led to this step (optional)" options={ANALYSES} />
      {draft.analysis !== '' && (
        <Select
          {...field('breakdown', { category: '' })}
          label="Which groups it looked at (optional)"
          options={[NOT_GIVEN, ...BREAKDOWNS.map((b) => ({ value: b.value, label: b.label }))]}
        />
      )}
      {draft.analysis !== '' && groups.length > 0 && (
        <Select
          {...field('category')}
          label="Which group (optional)"
          options={[NOT_GIVEN, ...groups.map((code) => ({ value: code, label: categoryLabel(draft.breakdown, code) }))]}
        />
      )}
      <div className="nhsuk-button-group">
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
        {onCancel !== undefined && (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}

type StepEditorProps = {
  headingId: string;
  heading: string;
  /** Said under the heading, before the fields. */
  intro?: string;
  className: string;
  form: Omit<StepFormProps, 'pending' | 'error' | 'onSubmit'>;
  mutation: { isPending: boolean; error: unknown; save: (body: StepWrite) => void };
};

/** A heading and a step's form: adding a step and changing one are the same but for these. */
function StepEditor({ headingId, heading, intro, className, form, mutation }: StepEditorProps) {
  return (
    <section aria-labelledby={headingId} className={className}>
      <h2 className="nhsuk-heading-m" id={headingId}>
        {heading}
      </h2>
      {intro !== undefined && <p className="nhsuk-body-s">{intro}</p>}
      <StepForm {...form} pending={mutation.isPending} error={mutation.error} onSubmit={mutation.save} />
    </section>
  );
}

/** The service's health-inequalities action plan: its steps, and adding or changing them. */
export function PlanSection({ dataset }: { dataset: Dataset }) {
  const steps = useSteps(dataset.id);
  const add = useAddStep(dataset.id);
  const change = useChangeStep(dataset.id);
  const [changing, setChanging] = useState<number | null>(null);
  const [added, setAdded] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const editing = steps.data?.find((s) => s.id === changing);
  const edit = (stepId: number | null, said: string | null) => {
    setChanging(stepId);
    setMessage(said);
  };

  const columns: TableColumn<Step>[] = [
    { header: 'Action', cell: stepName },
    { header: 'Stage', cell: (s) => labelOf(STAGES, s.stage) },
    { header: 'Owner', cell: (s) => s.owner_role },
    { header: 'Starts', cell: (s) => dateOrNotSet(s.starts_on) },
    { header: 'Due', cell: (s) => dateOrNotSet(s.due_on) },
    { header: 'Status', cell: (s) => <Tag colour={STATUS_COLOUR[s.status]}>{labelOf(STATUSES, s.status)}</Tag> },
    { header: 'Led by', cell: motivatedBy },
  ];
  if (dataset.may_upload) {
    columns.push({
      header: 'Change',
      cell: (s) => (
        <Button
          variant="secondary"
          small
          onClick={() => {
            edit(s.id, null);
          }}
        >
          Change<span className="nhsuk-u-visually-hidden"> step: {stepName(s)}, {s.owner_role}</span>
        </Button>
      ),
    });
  }

  return (
    <>
      <p className="nhsuk-body">
        The service’s health inequalities project, step by step: focus, understand the people
        behind the data, make adjustments, evaluate, and develop staff. Each step has an owning
        role and dates, and can name the analysis that led to it.
      </p>
      {message !== null && (
        <div className="nhsuk-inset-text" role="status" data-testid="plan-saved">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>{message}</p>
        </div>
      )}
      {steps.isPending && <Loading label="Loading the action plan…" />}
      {steps.isError && <AnalysisProblem error={steps.error} />}
      {steps.isSuccess && steps.data.length === 0 && (
        <p className="nhsuk-body" data-testid="plan-empty">
          The action plan has no steps yet.
        </p>
      )}
      {steps.isSuccess && steps.data.length > 0 && (
        <ResponsiveTable
          caption="Steps of the action plan"
          captionHidden
          columns={columns}
          rows={steps.data}
          rowKey={(s) => String(s.id)}
          firstCellIsHeader
          testId="plan-table"
        />
      )}
      {editing !== undefined && (
        <StepEditor
          // Keys of their own: a step's id may equal the count of steps added (both start at 1),
          // and React would then keep the add form's fields for the step being changed.
          key={`change-${String(editing.id)}`}
          headingId={`step-${String(editing.id)}-change`}
          heading={`Change step: ${stepName(editing)}`}
          className="nhsuk-u-margin-top-5"
          form={{
            idPrefix: `step-${String(editing.id)}`,
            initial: draftOf(editing),
            submitLabel: 'Save changes',
            onCancel: () => {
              edit(null, null);
            },
          }}
          mutation={{
            isPending: change.isPending,
            error: change.error,
            save: (body) => {
              change.mutate({ stepId: editing.id, body }, { onSuccess: () => { edit(null, 'The step was changed.'); } });
            },
          }}
        />
      )}
      {dataset.may_upload && editing === undefined && (
        <StepEditor
          key={`add-${String(added)}`}
          headingId="add-step-heading"
          heading="Add a step"
          intro="Notes are not kept here, so that nothing written about a person can reach the figures (decision 0033). Keep your reasoning in the service’s own documents."
          className="nhsuk-u-margin-top-7"
          form={{ idPrefix: 'new-step', initial: EMPTY_STEP, submitLabel: 'Add step' }}
          mutation={{
            isPending: add.isPending,
            error: add.error,
            save: (body) => {
              add.mutate(body, {
                onSuccess: () => {
                  setAdded((n) => n + 1);
                  setMessage('The step was added to the plan.');
                },
              });
            },
          }}
        />
      )}
    </>
  );
}

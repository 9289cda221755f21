import { useState, type SyntheticEvent } from 'react';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { DateInput } from '@/components/ui/date-input';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Select, TextInput } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
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

function motivatedBy(step: Step): string {
  if (step.analysis === null || step.analysis === undefined) return 'Not linked';
  const parts = [labelOf(ANALYSES, step.analysis)];
  if (step.breakdown) parts.push(`by ${breakdownLabel(step.breakdown).toLowerCase()}`);
  if (step.category) parts.push(`(${categoryLabel(step.breakdown, step.category)})`);
  return parts.join(' ');
}

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
  const set = (change: Partial<StepDraft>) => {
    setDraft((now) => ({ ...now, ...change }));
  };
  const id = (name: string) => `${idPrefix}-${name}`;
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const found = checkStep(draft);
    setProblems(found);
    if (found.length === 0) onSubmit(stepBody(draft));
  };
  const targets: Record<StepProblem['field'], string> = { owner_role: `#${id('owner')}`, due_on: `#${id('due')}-day` };
  const errorOf = (field: StepProblem['field']) => problems.find((p) => p.field === field)?.text;
  return (
    <form onSubmit={submit} noValidate aria-label={submitLabel}>
      {problems.length > 0 && <ErrorSummary errors={problems.map((p) => ({ text: p.text, href: targets[p.field] }))} />}
      {error !== null && error !== undefined && (
        <ProblemSummary error={error} fieldTargets={{ 'body.owner_role': targets.owner_role, 'body.due_on': targets.due_on }} />
      )}
      <Select
        id={id('stage')}
        label="Stage"
        value={draft.stage}
        options={STAGES}
        onChange={(e) => {
          set({ stage: e.target.value as StepDraft['stage'] });
        }}
      />
      <Select
        id={id('action')}
        label="Action"
        value={draft.action}
        options={ACTIONS}
        onChange={(e) => {
          set({ action: e.target.value as StepDraft['action'] });
        }}
      />
      <TextInput
        id={id('owner')}
        label="Owner (a role, not a person’s name)"
        hint="For example, Service manager"
        value={draft.owner_role}
        maxLength={80}
        autoComplete="off"
        error={errorOf('owner_role')}
        onChange={(e) => {
          set({ owner_role: e.target.value });
        }}
      />
      <DateInput
        id={id('starts')}
        legend="Starts (optional)"
        value={draft.starts_on}
        onChange={(value) => {
          set({ starts_on: value });
        }}
      />
      <DateInput
        id={id('due')}
        legend="Due (optional)"
        value={draft.due_on}
        error={errorOf('due_on')}
        onChange={(value) => {
          set({ due_on: value });
        }}
      />
      <Select
        id={id('status')}
        label="Status"
        value={draft.status}
        options={STATUSES}
        onChange={(e) => {
          set({ status: e.target.value as StepDraft['status'] });
        }}
      />
      <Select
        id={id('analysis')}
        label="The analysis that led to this step (optional)"
        value={draft.analysis}
        options={ANALYSES}
        onChange={(e) => {
          set({ analysis: e.target.value as StepDraft['analysis'] });
        }}
      />
      {draft.analysis !== '' && (
        <Select
          id={id('breakdown')}
          label="Which groups it looked at (optional)"
          value={draft.breakdown}
          options={[{ value: '', label: 'Not given' }, ...BREAKDOWNS.map((b) => ({ value: b.value, label: b.label }))]}
          onChange={(e) => {
            set({ breakdown: e.target.value, category: '' });
          }}
        />
      )}
      {draft.analysis !== '' && focusOptions(draft.breakdown).length > 0 && (
        <Select
          id={id('category')}
          label="Which group (optional)"
          value={draft.category}
          options={[
            { value: '', label: 'Not given' },
            ...focusOptions(draft.breakdown).map((code) => ({ value: code, label: categoryLabel(draft.breakdown, code) })),
          ]}
          onChange={(e) => {
            set({ category: e.target.value });
          }}
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

type ChangeStepProps = { dataset: Dataset; step: Step; onSaved: () => void; onCancel: () => void };

function ChangeStep({ dataset, step, onSaved, onCancel }: ChangeStepProps) {
  const change = useChangeStep(dataset.id);
  return (
    <section aria-labelledby={`step-${String(step.id)}-change`} className="nhsuk-u-margin-top-5">
      <h2 className="nhsuk-heading-m" id={`step-${String(step.id)}-change`}>
        Change step: {labelOf(ACTIONS, step.action)}
      </h2>
      <StepForm
        idPrefix={`step-${String(step.id)}`}
        initial={draftOf(step)}
        submitLabel="Save changes"
        pending={change.isPending}
        error={change.error}
        onSubmit={(body) => {
          change.mutate({ stepId: step.id, body }, { onSuccess: onSaved });
        }}
        onCancel={onCancel}
      />
    </section>
  );
}

/** The service's health-inequalities action plan: its steps, and adding or changing them. */
export function PlanSection({ dataset }: { dataset: Dataset }) {
  const steps = useSteps(dataset.id);
  const add = useAddStep(dataset.id);
  const [changing, setChanging] = useState<number | null>(null);
  const [added, setAdded] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const editing = steps.data?.find((s) => s.id === changing);

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
          columns={[
            { header: 'Action', cell: (s: Step) => labelOf(ACTIONS, s.action) },
            { header: 'Stage', cell: (s: Step) => labelOf(STAGES, s.stage) },
            { header: 'Owner', cell: (s: Step) => s.owner_role },
            { header: 'Starts', cell: (s: Step) => (s.starts_on ? formatDate(s.starts_on) : 'Not set') },
            { header: 'Due', cell: (s: Step) => (s.due_on ? formatDate(s.due_on) : 'Not set') },
            {
              header: 'Status',
              cell: (s: Step) => <Tag colour={STATUS_COLOUR[s.status]}>{labelOf(STATUSES, s.status)}</Tag>,
            },
            { header: 'Led by', cell: motivatedBy },
            ...(dataset.may_upload
              ? [
                  {
                    header: 'Change',
                    cell: (s: Step) => (
                      <Button
                        variant="secondary"
                        small
                        onClick={() => {
                          setChanging(s.id);
                          setMessage(null);
                        }}
                      >
                        Change<span className="nhsuk-u-visually-hidden"> step: {labelOf(ACTIONS, s.action)}, {s.owner_role}</span>
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
          rows={steps.data}
          rowKey={(s) => String(s.id)}
          firstCellIsHeader
          testId="plan-table"
        />
      )}
      {editing !== undefined && (
        <ChangeStep
          key={editing.id}
          dataset={dataset}
          step={editing}
          onSaved={() => {
            setChanging(null);
            setMessage('The step was changed.');
          }}
          onCancel={() => {
            setChanging(null);
          }}
        />
      )}
      {dataset.may_upload && editing === undefined && (
        <section aria-labelledby="add-step-heading" className="nhsuk-u-margin-top-7">
          <h2 className="nhsuk-heading-m" id="add-step-heading">
            Add a step
          </h2>
          <p className="nhsuk-body-s">
            Notes are not kept here, so that nothing written about a person can reach the
            figures (decision 0033). Keep your reasoning in the service’s own documents.
          </p>
          <StepForm
            key={added}
            idPrefix="new-step"
            initial={EMPTY_STEP}
            submitLabel="Add step"
            pending={add.isPending}
            error={add.error}
            onSubmit={(body) => {
              add.mutate(body, {
                onSuccess: () => {
                  setAdded((n) => n + 1);
                  setMessage('The step was added to the plan.');
                },
              });
            }}
          />
        </section>
      )}
    </>
  );
}

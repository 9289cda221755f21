import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type SyntheticEvent } from 'react';
import { Link, useBlocker, useLocation, useNavigate, useSearchParams } from 'react-router';

import './draft-form.scss';

import { ProblemSummary } from '@/components/errors';
import {
  ItemQuestion,
  itemElementId,
  ScaleGuide,
  StepCounter,
  StepList,
  stepSearch,
} from '@/components/instrument-form';
import { PageTitle } from '@/components/seo/page-title';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { paths } from '@/config/paths';
import { isApiError, useApiClients } from '@/lib/api';
import type { InstrumentDefinition } from '@/lib/instruments';

import { submitAssessment } from '../api/submit-assessment';
import { assessmentQueryKey, type Assessment, type Subject } from '../api/types';
import {
  answeredCount,
  ASSESSED_ON,
  changesToSave,
  draftFrom,
  EPISODE_TYPE,
  missingItems,
  NOTES,
  responseKey,
} from '../lib/draft';
import { DraftStore } from '../lib/draft-store';
import { newIdempotencyKey } from '../lib/safe-retry';
import { CHECK_STEP, resumeStep, stepsOf, type Step } from '../lib/steps';

import { CheckAnswers } from './check-answers';
import { ConflictScreen } from './conflict-screen';
import { DateInput } from './date-input';
import { EpisodeTypeField } from './episode-type-field';
import { NotesField } from './notes-field';
import { SaveStatus } from './save-status';
import { SubjectBanner } from './subject-banner';
import { SubmittedMeanwhile } from './submitted-meanwhile';
import { useDraftSaving } from './use-draft-saving';

type DraftFormProps = {
  assessment: Assessment;
  definition: InstrumentDefinition;
  subject: Subject | undefined;
};

type SubmitFailure = { attempt: number; missing: string[]; problem: unknown };

/**
 * A draft, one section per step (for HEF, one determinant), rendered from the instrument
 * definition alone. Answers autosave; "check your answers" submits.
 */
export function DraftForm({ assessment, definition, subject }: DraftFormProps) {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [store] = useState(() => new DraftStore(draftFrom(assessment)));
  const saving = useDraftSaving(store, assessment.id);
  const { local } = saving.state;
  const steps = useMemo(() => stepsOf(definition), [definition]);
  const [searchParams] = useSearchParams();
  const [resumeAt] = useState(() => resumeStep(definition, store.getSnapshot().local));
  const requested = searchParams.get('step') ?? resumeAt;
  const index = Math.max(
    0,
    steps.findIndex((step) => step.id === requested),
  );
  const step: Step = steps[index] ?? { kind: 'check', id: CHECK_STEP, title: 'Check your answers' };
  const [failure, setFailure] = useState<SubmitFailure | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const showingForm = saving.conflict === null && saving.submittedMeanwhile === null;

  // Focus follows navigation: to the field a link pointed at, else to the step's heading.
  useEffect(() => {
    if (!showingForm) return;
    const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    const field = target?.querySelector<HTMLElement>('input, textarea, select');
    if (field) field.focus();
    else heading.current?.focus();
  }, [step.id, location.hash, showingForm]);

  // Leaving the form (not moving between its steps) waits for the last answers to be saved;
  // a conflict on that save opens the conflict screen instead. After a failed save (told on
  // screen) the user may leave.
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      currentLocation.pathname !== nextLocation.pathname &&
      saving.pending &&
      saving.status.kind !== 'failed' &&
      // The conflict screens deal with the unsaved answers themselves.
      saving.conflict === null &&
      saving.submittedMeanwhile === null,
  );
  const { save } = saving;
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    void save().then((outcome) => {
      if (outcome.kind === 'saved') blocker.proceed();
      else blocker.reset();
    });
  }, [blocker, save]);

  const set = (key: string, value: string | undefined) => {
    store.dispatch({ type: 'set', key, value });
  };

  const goTo = (target: Step | undefined) => {
    if (target === undefined) return;
    void saving.save();
    void navigate({ search: stepSearch(target.id) });
  };

  const submit = async () => {
    const missing = missingItems(definition, store.getSnapshot().local).map((item) => item.id);
    const attempt = (failure?.attempt ?? 0) + 1;
    if (missing.length > 0) {
      setFailure({ attempt, missing, problem: null });
      return;
    }
    setSubmitting(true);
    try {
      // Answers given since the last save go first; a save that finishes with more to send
      // (typed meanwhile) is followed by another.
      let outcome = await saving.save();
      for (let again = 0; again < 3 && outcome.kind === 'saved'; again += 1) {
        if (changesToSave(store.getSnapshot()) === null) break;
        outcome = await saving.save();
      }
      if (outcome.kind === 'failed') {
        setFailure({ attempt, missing: [], problem: outcome.error });
        return;
      }
      if (outcome.kind === 'conflict') return;
      const submitted = await submitAssessment(
        scoring,
        assessment.id,
        store.getSnapshot().version,
        newIdempotencyKey(),
      );
      queryClient.setQueryData(assessmentQueryKey(assessment.id), submitted);
      void queryClient.invalidateQueries({ queryKey: ['scoring', 'people', assessment.person_id] });
      void navigate(paths.assessments.profile.getHref(assessment.id));
    } catch (error) {
      if (isApiError(error, 412) || isApiError(error, 409)) {
        await saving.openConflict();
      } else {
        const fromService = isApiError(error)
          ? (error.problem?.errors ?? [])
              .map((e) => /^responses\.(.+)$/.exec(e.field)?.[1])
              .filter((id): id is string => id !== undefined)
          : [];
        setFailure({ attempt, missing: fromService, problem: error });
      }
    } finally {
      setSubmitting(false);
    }
  };

  const onSubmit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (step.id === CHECK_STEP) void submit();
    else goTo(steps[index + 1]);
  };

  if (saving.submittedMeanwhile !== null) {
    return (
      <SubmittedMeanwhile
        definition={definition}
        theirs={saving.submittedMeanwhile}
        draft={saving.state}
      />
    );
  }
  if (saving.conflict !== null) {
    return (
      <ConflictScreen
        definition={definition}
        theirs={saving.conflict.theirs}
        rows={saving.conflict.rows}
        onResolve={saving.resolve}
      />
    );
  }

  // What is still unanswered of what a failed submit listed (answers given since drop out).
  const stillMissing = (failure?.missing ?? []).filter(
    (itemId) => local[responseKey(itemId)] === undefined,
  );
  const missing = new Set(stillMissing);
  const sectionOf = (itemId: string) =>
    definition.sections.find((section) => section.items.some((item) => item.id === itemId));
  const notesSaved = local[NOTES] === saving.state.saved[NOTES];
  const showsErrors =
    failure !== null &&
    step.id === CHECK_STEP &&
    (failure.missing.length === 0 || stillMissing.length > 0);

  return (
    <>
      <PageTitle
        title={`${showsErrors ? 'Error: ' : ''}${step.title} – ${definition.title}`}
      />
      <SubjectBanner subject={subject} />
      {failure !== null && step.id === CHECK_STEP && (
        failure.missing.length > 0 ? (
          stillMissing.length > 0 && 
          <ErrorSummary key={failure.attempt} title="There is a problem">
            <p>
              Answer every {definition.terms.item} before you submit. &quot;Not assessed&quot; is an
              answer where one applies.
            </p>
            <ul className="nhsuk-list nhsuk-error-summary__list">
              {stillMissing.map((itemId) => {
                const section = sectionOf(itemId);
                const item = section?.items.find((candidate) => candidate.id === itemId);
                return (
                  <li key={itemId}>
                    <Link
                      to={{
                        search: stepSearch(section?.id ?? CHECK_STEP),
                        hash: `#${itemElementId(itemId)}`,
                      }}
                    >
                      Answer &quot;{item?.text ?? itemId}&quot; ({section?.title})
                    </Link>
                  </li>
                );
              })}
            </ul>
          </ErrorSummary>
        ) : (
          <ProblemSummary key={failure.attempt} error={failure.problem} />
        )
      )}
      <StepCounter steps={steps} current={index} />
      <h1 className="nhsuk-heading-l" ref={heading} tabIndex={-1} data-testid="step-heading">
        <span className="nhsuk-caption-m">{definition.title}</span>
        {step.title}
      </h1>
      <form noValidate onSubmit={onSubmit}>
        {step.kind === 'details' && (
          <>
            {definition.episode_types.length > 0 && (
              <EpisodeTypeField
                definition={definition}
                value={local[EPISODE_TYPE] ?? ''}
                onChange={(code) => {
                  set(EPISODE_TYPE, code);
                }}
              />
            )}
            <DateInput
              id="assessed-on"
              legend="Date of assessment"
              hint="For example, 15 3 2026"
              value={local[ASSESSED_ON] ?? ''}
              onChange={(isoDate) => {
                // Only a whole date replaces the saved one; a half-typed date waits.
                if (isoDate !== '') set(ASSESSED_ON, isoDate);
              }}
            />
          </>
        )}
        {step.kind === 'section' && (
          <SectionStep
            definition={definition}
            sectionIndex={step.sectionIndex}
            values={local}
            missing={missing}
            onAnswer={(itemId, code) => {
              set(responseKey(itemId), code);
            }}
          />
        )}
        {step.kind === 'check' && (
          <>
            <CheckAnswers definition={definition} fields={local} missing={missing} />
            <NotesField
              value={local[NOTES] ?? ''}
              onChange={(notes) => {
                set(NOTES, notes);
              }}
              flags={saving.state.flags}
              showFlags={notesSaved}
            />
          </>
        )}
        <SaveStatus status={saving.status} pending={saving.pending} />
        <div className="equitas-button-row">
          {step.id === CHECK_STEP ? (
            <Button type="submit" disabled={submitting}>
              Submit assessment
            </Button>
          ) : (
            <Button type="submit">Save and continue</Button>
          )}
          {index > 0 && (
            <Button
              variant="secondary"
              onClick={() => {
                goTo(steps[index - 1]);
              }}
            >
              Previous
            </Button>
          )}
        </div>
      </form>
      <StepList
        steps={steps}
        current={index}
        statusOf={(candidate) => {
          if (candidate.kind !== 'section') return undefined;
          const section = definition.sections[candidate.sectionIndex];
          if (section === undefined) return undefined;
          return `${String(answeredCount(section, local))} of ${String(section.items.length)} answered`;
        }}
      />
      <p className="nhsuk-body">
        <Link to={paths.person.getHref(assessment.person_id)}>
          Save and come back later
        </Link>
      </p>
    </>
  );
}

function SectionStep({
  definition,
  sectionIndex,
  values,
  missing,
  onAnswer,
}: {
  definition: InstrumentDefinition;
  sectionIndex: number;
  values: Readonly<Record<string, string>>;
  missing: ReadonlySet<string>;
  onAnswer: (itemId: string, code: string) => void;
}) {
  const section = definition.sections[sectionIndex];
  if (section === undefined) return null;
  return (
    <>
      {section.help && <p className="nhsuk-lede-text">{section.help}</p>}
      <ScaleGuide
        definition={definition}
        scaleIds={[...new Set(section.items.map((item) => item.scale))]}
      />
      {section.items.map((item) => (
        <ItemQuestion
          key={item.id}
          definition={definition}
          item={item}
          value={values[responseKey(item.id)]}
          error={
            missing.has(item.id) && values[responseKey(item.id)] === undefined
              ? `Choose an answer for ${item.text.toLowerCase()}`
              : undefined
          }
          onChange={(code) => {
            onAnswer(item.id, code);
          }}
        />
      ))}
    </>
  );
}

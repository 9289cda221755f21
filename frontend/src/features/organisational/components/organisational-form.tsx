import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
  type SyntheticEvent,
} from 'react';
import { Link, useBlocker, useLocation, useNavigate, useSearchParams } from 'react-router';

import './organisational.scss';

import { ProblemSummary } from '@/components/errors';
import {
  ItemQuestion,
  itemElementId,
  ScaleGuide,
  StepCounter,
  StepList,
  stepSearch,
  type FormStep,
} from '@/components/instrument-form';
import { PageTitle } from '@/components/seo/page-title';
import { Button } from '@/components/ui/button';
import { ErrorSummary, type ErrorSummaryItem } from '@/components/ui/error-summary';
import { Textarea } from '@/components/ui/form-fields';
import { answerLabel, type InstrumentDefinition } from '@/lib/instruments';

import {
  answeredIn,
  missingItems,
  resumeSection,
  sectionOfItem,
  type Draft,
  type NoteField,
} from '../lib/answers';

export const CHECK = 'check';

/** What saving a stored draft did: the draft may come back rebased on a colleague's. */
export type SaveOutcome = { draft?: Draft; clashes?: string[] };

type OrganisationalFormProps = {
  definition: InstrumentDefinition;
  initial: Draft;
  /** The scorecard: evidence and action notes with each cell. */
  withNotes?: boolean;
  /** Above the steps: whose assessment this is, or that nothing is stored. */
  intro?: ReactNode;
  /** Stored drafts save on each step and before submitting; private mode has none. */
  save?: (draft: Draft) => Promise<SaveOutcome>;
  submit: (draft: Draft) => Promise<void>;
  submitLabel: string;
  /** "Save and come back later" (stored) or "Start again" (private). */
  leave?: ReactNode;
  /** A field of the check step checked before submitting (an amendment's reason). */
  beforeSubmit?: { field: ReactNode; check: () => ErrorSummaryItem | null };
};

type Step = FormStep & { sectionIndex: number | null };

/**
 * An organisational assessment, one section per step (a domain, a key line of enquiry, a
 * HEAT stage), drawn from the definition with the HEF form's pieces; then "Check your
 * answers" and submit. The step is in the address (?step=<section id>).
 */
export function OrganisationalForm({
  definition,
  initial,
  withNotes = false,
  intro,
  save,
  submit,
  submitLabel,
  leave,
  beforeSubmit,
}: OrganisationalFormProps) {
  const navigate = useNavigate();
  const location = useLocation();
  const [searchParams] = useSearchParams();
  const [draft, setDraft] = useState<Draft>(initial);
  const [resumeAt] = useState(() => resumeSection(definition, initial.responses) ?? CHECK);
  const steps = useMemo<Step[]>(
    () => [
      ...definition.sections.map((section, sectionIndex) => ({
        id: section.id,
        title: section.title,
        sectionIndex,
      })),
      { id: CHECK, title: 'Check your answers', sectionIndex: null },
    ],
    [definition],
  );
  const requested = searchParams.get('step') ?? resumeAt;
  const index = Math.max(
    0,
    steps.findIndex((step) => step.id === requested),
  );
  const step = steps[index] ?? { id: CHECK, title: 'Check your answers', sectionIndex: null };
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ attempt: number; error: unknown } | null>(null);
  const [missing, setMissing] = useState<{ attempt: number; items: string[] } | null>(null);
  const [fieldError, setFieldError] = useState<{ attempt: number; item: ErrorSummaryItem } | null>(
    null,
  );
  const [clashes, setClashes] = useState<string[]>([]);
  // Answers given since the last save (stored) or not yet turned into results (private).
  const [dirty, setDirty] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  // Closing the tab with answers not yet saved asks first (private mode: they would be lost).
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
    };
  }, [dirty]);

  // Focus follows the step: to the field a link pointed at, else to the step's heading.
  useEffect(() => {
    const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    const field = target?.querySelector<HTMLElement>('input, textarea, select');
    if (field) field.focus();
    else heading.current?.focus();
  }, [step.id, location.hash]);

  const attempt = () => (problem?.attempt ?? 0) + (missing?.attempt ?? 0) + 1;

  const saveNow = async (): Promise<Draft | null> => {
    if (save === undefined) return draft;
    try {
      const outcome = await save(draft);
      setDirty(false);
      if (outcome.draft) setDraft(outcome.draft);
      setClashes(outcome.clashes ?? []);
      setProblem(null);
      return outcome.draft ?? draft;
    } catch (error) {
      setProblem({ attempt: attempt(), error });
      return null;
    }
  };

  const goTo = async (target: Step | undefined) => {
    if (target === undefined) return;
    setBusy(true);
    const saved = await saveNow();
    setBusy(false);
    // A failed save keeps the user here with the answers on screen and the problem told.
    if (saved !== null) void navigate({ search: stepSearch(target.id) });
  };

  // Leaving a stored draft for another page saves the step's answers first; a failed save
  // keeps the user here with the problem told.
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      save !== undefined && dirty && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (blocker.state !== 'blocked' || save === undefined) return;
    save(draft).then(
      () => {
        blocker.proceed();
      },
      (error: unknown) => {
        blocker.reset();
        setProblem({ attempt: Date.now(), error });
      },
    );
    // Runs once per attempt to leave, with the answers on screen at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [blocker.state]);

  const onSubmit = async () => {
    const items = missingItems(definition, draft.responses).map((item) => item.id);
    if (items.length > 0) {
      setMissing({ attempt: attempt(), items });
      return;
    }
    setMissing(null);
    const wrong = beforeSubmit?.check() ?? null;
    setFieldError(wrong && { attempt: attempt(), item: wrong });
    if (wrong !== null) return;
    setBusy(true);
    try {
      const saved = await saveNow();
      if (saved !== null) {
        setDirty(false);
        await submit(saved);
      }
    } catch (error) {
      setProblem({ attempt: attempt(), error });
    } finally {
      setBusy(false);
    }
  };

  const onFormSubmit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (step.id === CHECK) void onSubmit();
    else void goTo(steps[index + 1]);
  };

  const setAnswer = (itemId: string, code: string) => {
    setDirty(true);
    setDraft((current) => ({ ...current, responses: { ...current.responses, [itemId]: code } }));
  };
  const setNote = (itemId: string, field: NoteField, value: string) => {
    setDirty(true);
    setDraft((current) => ({
      ...current,
      notes: { ...current.notes, [itemId]: { ...current.notes[itemId], [field]: value } },
    }));
  };

  const stillMissing = (missing?.items ?? []).filter((id) => draft.responses[id] === undefined);
  const showsErrors =
    (step.id === CHECK && (stillMissing.length > 0 || fieldError !== null)) || problem !== null;
  const itemText = (itemId: string) =>
    definition.sections.flatMap((s) => s.items).find((item) => item.id === itemId)?.text ?? itemId;
  const section = step.sectionIndex === null ? undefined : definition.sections[step.sectionIndex];

  return (
    <>
      <PageTitle title={`${showsErrors ? 'Error: ' : ''}${step.title} – ${definition.title}`} />
      {problem !== null && <ProblemSummary key={problem.attempt} error={problem.error} />}
      {step.id === CHECK && stillMissing.length > 0 && (
        <ErrorSummary key={missing?.attempt}>
          <p>Answer every {definition.terms.item} before you submit.</p>
          <ul className="nhsuk-list nhsuk-error-summary__list">
            {stillMissing.map((itemId) => (
              <li key={itemId}>
                <Link
                  to={{
                    search: stepSearch(sectionOfItem(definition, itemId) ?? CHECK),
                    hash: `#${itemElementId(itemId)}`,
                  }}
                >
                  Answer &quot;{itemText(itemId)}&quot;
                </Link>
              </li>
            ))}
          </ul>
        </ErrorSummary>
      )}
      {step.id === CHECK && fieldError !== null && (
        <ErrorSummary key={fieldError.attempt} errors={[fieldError.item]} />
      )}
      {clashes.length > 0 && (
        <div className="nhsuk-inset-text" data-testid="clashes">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>
            A colleague saved this draft while you were working. Your answers were kept; where
            you both changed the same {definition.terms.item}, check the answer:
          </p>
          <ul>
            {clashes.map((itemId) => (
              <li key={itemId}>{itemText(itemId)}</li>
            ))}
          </ul>
        </div>
      )}
      {intro}
      <StepCounter steps={steps} current={index} />
      <h1 className="nhsuk-heading-l" ref={heading} tabIndex={-1} data-testid="step-heading">
        <span className="nhsuk-caption-m">{definition.title}</span>
        {step.title}
      </h1>
      <form noValidate onSubmit={onFormSubmit}>
        {section !== undefined && (
          <>
            {section.help && <p className="nhsuk-lede-text">{section.help}</p>}
            <ScaleGuide
              definition={definition}
              scaleIds={[...new Set(section.items.map((item) => item.scale))]}
            />
            {section.items.map((item) => (
              <div key={item.id}>
                <ItemQuestion
                  definition={definition}
                  item={item}
                  value={draft.responses[item.id]}
                  error={
                    stillMissing.includes(item.id) ? `Choose an answer for this ${definition.terms.item}` : undefined
                  }
                  onChange={(code) => {
                    setAnswer(item.id, code);
                  }}
                />
                {withNotes && (
                  <div className="nhsuk-u-margin-bottom-6">
                    {(['evidence', 'action'] as const).map((field) => (
                      <Textarea
                        key={field}
                        id={`${itemElementId(item.id)}-${field}`}
                        label={field === 'evidence' ? 'Evidence seen (optional)' : 'Action needed (optional)'}
                        rows={2}
                        maxLength={4000}
                        value={draft.notes[item.id]?.[field] ?? ''}
                        onChange={(event) => {
                          setNote(item.id, field, event.target.value);
                        }}
                      />
                    ))}
                  </div>
                )}
              </div>
            ))}
          </>
        )}
        {step.id === CHECK && (
          <>
            <CheckAnswers definition={definition} draft={draft} withNotes={withNotes} missing={stillMissing} />
            {beforeSubmit?.field}
          </>
        )}
        <div className="equitas-button-row">
          {step.id === CHECK ? (
            <Button type="submit" disabled={busy}>
              {submitLabel}
            </Button>
          ) : (
            <Button type="submit" disabled={busy}>
              {save ? 'Save and continue' : 'Continue'}
            </Button>
          )}
          {index > 0 && (
            <Button
              variant="secondary"
              disabled={busy}
              onClick={() => {
                void goTo(steps[index - 1]);
              }}
            >
              Previous
            </Button>
          )}
        </div>
        {busy && (
          <p className="nhsuk-body" role="status">
            {save ? 'Saving…' : 'Working…'}
          </p>
        )}
      </form>
      <StepList
        steps={steps}
        current={index}
        statusOf={(candidate) => {
          if (candidate.sectionIndex === null) return undefined;
          const s = definition.sections[candidate.sectionIndex];
          return s && `${String(answeredIn(s, draft.responses))} of ${String(s.items.length)} answered`;
        }}
      />
      {leave}
    </>
  );
}

function CheckAnswers({
  definition,
  draft,
  withNotes,
  missing,
}: {
  definition: InstrumentDefinition;
  draft: Draft;
  withNotes: boolean;
  missing: readonly string[];
}) {
  return (
    <>
      {definition.sections.map((section) => (
        <section key={section.id} aria-labelledby={`check-${section.id}`}>
          <h2 className="nhsuk-heading-m" id={`check-${section.id}`}>
            {section.title}
          </h2>
          <dl className="nhsuk-summary-list">
            {section.items.map((item) => {
              const note = draft.notes[item.id];
              return (
                <div className="nhsuk-summary-list__row" key={item.id}>
                  <dt className="nhsuk-summary-list__key">{item.text}</dt>
                  <dd className="nhsuk-summary-list__value" data-testid={`answer-${item.id}`}>
                    {missing.includes(item.id) ? (
                      <span className="nhsuk-error-message nhsuk-u-margin-bottom-0">Not answered</span>
                    ) : (
                      answerLabel(definition, item.id, draft.responses[item.id])
                    )}
                    {withNotes && note?.evidence && (
                      <p className="nhsuk-body-s equitas-board-note">Evidence: {note.evidence}</p>
                    )}
                    {withNotes && note?.action && (
                      <p className="nhsuk-body-s equitas-board-note">Action: {note.action}</p>
                    )}
                  </dd>
                </div>
              );
            })}
          </dl>
          <p className="nhsuk-body">
            <Link
              to={{
                search: stepSearch(section.id),
                hash: section.items[0] ? `#${itemElementId(section.items[0].id)}` : '',
              }}
            >
              Change<span className="nhsuk-u-visually-hidden"> {section.title}</span>
            </Link>
          </p>
        </section>
      ))}
    </>
  );
}

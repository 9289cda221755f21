import { useState, type SyntheticEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { ItemQuestion, itemElementId } from '@/components/instrument-form';
import { PageTitle } from '@/components/seo/page-title';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api';

import { useAmendAssessment } from '../api/amend-assessment';
import { missingItems, responseKey } from '../lib/draft';

import type { LoadedAssessment } from './assessment-loader';
import { NotesField } from './notes-field';
import { SubjectBanner } from './subject-banner';
import type { AmendPrefill } from './submitted-meanwhile';

const REASON_MIN = 5;

function prefillFrom(state: unknown): AmendPrefill | null {
  if (typeof state !== 'object' || state === null || !('responses' in state)) return null;
  return state as AmendPrefill;
}

/**
 * Amend a submitted assessment: every answer on one page, prefilled (with answers carried
 * over from a draft someone else submitted, if that is how the user got here), and a reason.
 * The old revision is kept; the service scores the new one.
 */
export function AmendForm({ assessment, definition, subject }: LoadedAssessment) {
  const navigate = useNavigate();
  const location = useLocation();
  const [prefill] = useState(() => prefillFrom(location.state));
  const [responses, setResponses] = useState<Record<string, string>>(
    () => prefill?.responses ?? assessment.responses,
  );
  const [notes, setNotes] = useState(() => prefill?.notes ?? assessment.notes ?? '');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ text: string; href: string }[] | null>(null);
  const [attempt, setAttempt] = useState(0);
  const amend = useAmendAssessment(assessment.id);

  const onSubmit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    setAttempt((n) => n + 1);
    const fields = Object.fromEntries(
      Object.entries(responses).map(([itemId, code]) => [responseKey(itemId), code]),
    );
    const found = missingItems(definition, fields).map((item) => ({
      text: `Answer "${item.text}"`,
      href: `#${itemElementId(item.id, 'amend')}`,
    }));
    if (reason.trim().length < REASON_MIN) {
      found.unshift({
        text: `Enter why you are amending this assessment (at least ${String(REASON_MIN)} characters)`,
        href: '#amend-reason',
      });
    }
    if (found.length > 0) {
      setErrors(found);
      return;
    }
    setErrors(null);
    amend.mutate(
      {
        version: assessment.version,
        body: { reason: reason.trim(), responses, notes: notes === '' ? null : notes },
      },
      {
        onSuccess: () => {
          void navigate(paths.assessments.profile.getHref(assessment.id));
        },
      },
    );
  };

  const reasonError = errors?.find((e) => e.href === '#amend-reason')?.text;

  return (
    <>
      <PageTitle title={`${errors ? 'Error: ' : ''}Amend this assessment`} />
      <SubjectBanner subject={subject} />
      {errors && <ErrorSummary key={attempt} errors={errors} />}
      {amend.isError &&
        (isApiError(amend.error, 412) || isApiError(amend.error, 409) ? (
          <ErrorSummary key={`stale-${String(attempt)}`} title="Someone else amended this assessment">
            <p>
              It changed after you opened this page, so your amendment was not saved. Your
              answers and reason are still below. Open the latest version in a new tab to
              compare, then reload this page to amend it.
            </p>
          </ErrorSummary>
        ) : (
          <ProblemSummary
            key={`problem-${String(attempt)}`}
            error={amend.error}
            fieldTargets={{ 'body.reason': '#amend-reason' }}
          />
        ))}
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-l">{definition.title}</span>
        Amend this assessment
      </h1>
      {prefill && (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>Your answers from the draft are filled in below.</p>
        </div>
      )}
      <form noValidate onSubmit={onSubmit}>
        <div className={`nhsuk-form-group${reasonError ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label nhsuk-label--s" htmlFor="amend-reason">
            Why are you amending it?
          </label>
          <div className="nhsuk-hint" id="amend-reason-hint">
            For example, a rating was entered wrongly. The reason is kept with the record.
          </div>
          {reasonError && (
            <span className="nhsuk-error-message" id="amend-reason-error">
              <span className="nhsuk-u-visually-hidden">Error:</span> {reasonError}
            </span>
          )}
          <textarea
            className={`nhsuk-textarea${reasonError ? ' nhsuk-textarea--error' : ''}`}
            id="amend-reason"
            name="reason"
            rows={3}
            maxLength={2000}
            aria-describedby={`amend-reason-hint${reasonError ? ' amend-reason-error' : ''}`}
            value={reason}
            onChange={(event) => {
              setReason(event.target.value);
            }}
          />
        </div>
        {definition.sections.map((section) => (
          <section key={section.id} aria-labelledby={`amend-${section.id}`}>
            <h2 className="nhsuk-heading-m" id={`amend-${section.id}`}>
              {section.title}
            </h2>
            {section.items.map((item) => (
              <ItemQuestion
                key={item.id}
                definition={definition}
                item={item}
                idPrefix="amend"
                value={responses[item.id]}
                error={
                  errors?.some((e) => e.href === `#${itemElementId(item.id, 'amend')}`)
                    ? `Choose an answer for ${item.text.toLowerCase()}`
                    : undefined
                }
                onChange={(code) => {
                  setResponses((current) => ({ ...current, [item.id]: code }));
                }}
              />
            ))}
          </section>
        ))}
        <NotesField value={notes} onChange={setNotes} flags={[]} showFlags={false} />
        <Button type="submit" disabled={amend.isPending}>
          Submit amendment
        </Button>
      </form>
      <p className="nhsuk-body">
        <Link to={paths.assessments.detail.getHref(assessment.id)}>Cancel</Link>
      </p>
    </>
  );
}

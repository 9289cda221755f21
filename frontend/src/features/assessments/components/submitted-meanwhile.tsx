import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';

import { PageTitle } from '@/components/seo/page-title';
import { Button } from '@/components/ui/button';
import { paths } from '@/config/paths';
import type { InstrumentDefinition } from '@/lib/instruments';

import { assessmentQueryKey, type Assessment } from '../api/types';
import { conflictRows, fieldsOf, NOTES, responsesOf, type DraftState } from '../lib/draft';

import { fieldName, fieldValue } from './field-text';

export type AmendPrefill = { responses: Record<string, string>; notes: string | null };

/**
 * Someone submitted the draft while this user was still editing it. Their answers cannot go
 * into the draft any more, so they are shown beside the submitted ones and can be carried
 * into an amendment (with a reason), not dropped.
 */
export function SubmittedMeanwhile({
  definition,
  theirs,
  draft,
}: {
  definition: InstrumentDefinition;
  theirs: Assessment;
  draft: DraftState;
}) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const rows = conflictRows(draft, fieldsOf(theirs));
  const prefill: AmendPrefill = {
    responses: responsesOf(draft.local),
    notes: draft.local[NOTES] ?? null,
  };
  return (
    <section aria-labelledby="submitted-meanwhile" data-testid="submitted-meanwhile">
      <PageTitle title="This assessment has already been submitted" />
      <h1 className="nhsuk-heading-l" id="submitted-meanwhile" ref={heading} tabIndex={-1}>
        This assessment has already been submitted
      </h1>
      <p className="nhsuk-body">
        Someone submitted it while you were working on it, so your latest answers could not be
        saved to the draft. They are below, beside the submitted ones. To record them, amend
        the submitted assessment and give a reason.
      </p>
      <dl className="nhsuk-summary-list">
        {rows.map((row) => (
          <div className="nhsuk-summary-list__row" key={row.key}>
            <dt className="nhsuk-summary-list__key">{fieldName(definition, row.key)}</dt>
            <dd className="nhsuk-summary-list__value">
              Yours: <strong>{fieldValue(definition, row.key, row.yours)}</strong>
              <br />
              Submitted: {fieldValue(definition, row.key, row.theirs)}
            </dd>
          </div>
        ))}
      </dl>
      <Button
        onClick={() => {
          queryClient.setQueryData(assessmentQueryKey(theirs.id), theirs);
          void navigate(paths.assessments.amend.getHref(theirs.id), { state: prefill });
        }}
      >
        Amend it with your answers
      </Button>
    </section>
  );
}

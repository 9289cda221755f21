import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { Forbidden } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Textarea } from '@/components/ui/form-fields';
import type { Me } from '@/lib/access';
import { useApiClients } from '@/lib/api';

import { amendOrgAssessment, organisationalKeys } from '../api/assessments';
import type { Notes } from '../lib/answers';
import { boardPaths } from '../paths';

import { LoadAssessment, mayChange } from './assessment-page';
import { OrganisationalForm } from './organisational-form';
import { SubjectLine } from './subject-line';

const REASON_MIN = 5;

const textOrNull = (value: string | null | undefined) => {
  const text = (value ?? '').trim();
  return text === '' ? null : text;
};

/** Notes as the service keeps them: only those with some text. */
function notesToKeep(notes: Notes) {
  return Object.fromEntries(
    Object.entries(notes)
      .map(([item, note]) => [
        item,
        { evidence: textOrNull(note.evidence), action: textOrNull(note.action) },
      ] as const)
      .filter(([, note]) => note.evidence !== null || note.action !== null),
  );
}

/**
 * Amend a submitted assessment: the same steps, prefilled with what was submitted, and a
 * reason on the check step. The service keeps every revision with its reason.
 */
export function AmendPage({ assessmentId, me }: { assessmentId: string; me: Me }) {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  return (
    <LoadAssessment assessmentId={assessmentId}>
      {(assessment, definition) => {
        if (!mayChange(me, assessment)) return <Forbidden />;
        if (assessment.status !== 'submitted') {
          return (
            <>
              <PageTitle title="This assessment is still a draft" />
              <h1 className="nhsuk-heading-l">This assessment is still a draft</h1>
              <p className="nhsuk-body">A draft is changed by answering it; only a submitted one is amended.</p>
              <p className="nhsuk-body">
                <Link to={boardPaths.assessment.href(assessment.id)}>Go to the draft</Link>
              </p>
            </>
          );
        }
        return (
          <OrganisationalForm
            definition={definition}
            initial={{ responses: assessment.responses, notes: assessment.item_notes }}
            withNotes={Object.keys(assessment.item_notes).length > 0 || assessment.instrument === 'board-assurance'}
            intro={<SubjectLine assessment={assessment} />}
            submitLabel="Amend the assessment"
            beforeSubmit={{
              field: (
                <Textarea
                  id="amend-reason"
                  label="Why are you amending it?"
                  hint="Kept with the assessment's history. No names of patients or staff."
                  maxLength={2000}
                  value={reason}
                  error={reasonError}
                  onChange={(event) => {
                    setReason(event.target.value);
                  }}
                />
              ),
              check: () => {
                const wrong =
                  reason.trim().length < REASON_MIN
                    ? `Enter why you are amending it (at least ${String(REASON_MIN)} characters)`
                    : undefined;
                setReasonError(wrong);
                return wrong === undefined ? null : { text: wrong, href: '#amend-reason' };
              },
            }}
            submit={async (draft) => {
              const amended = await amendOrgAssessment(scoring, assessment.id, assessment.version, {
                reason: reason.trim(),
                responses: draft.responses,
                item_notes: notesToKeep(draft.notes),
              });
              queryClient.setQueryData(organisationalKeys.one(assessment.id), amended);
              void queryClient.invalidateQueries({ queryKey: organisationalKeys.all });
              await navigate(boardPaths.assessment.href(assessment.id));
            }}
            leave={
              <p className="nhsuk-body">
                <Link to={boardPaths.assessment.href(assessment.id)}>Leave without amending</Link>
              </p>
            }
          />
        );
      }}
    </LoadAssessment>
  );
}

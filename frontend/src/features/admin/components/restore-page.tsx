import { useState, type SyntheticEvent } from 'react';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { TextInput } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { formatDateTime } from '@/lib/format';

import { useAudit, type AuditEntry } from '../api/audit';
import { useRestoreAssessment } from '../api/restore';
import { useStaffNames } from '../api/staff-names';

import { BackToAdmin } from './back-to-admin';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function RestoreButton({ assessmentId, restored, onRestore, pending }: {
  assessmentId: string;
  restored: boolean;
  onRestore: (id: string) => void;
  pending: boolean;
}) {
  if (restored) return <strong>Restored</strong>;
  return (
    <Button small variant="secondary" disabled={pending} onClick={() => { onRestore(assessmentId); }}>
      Restore<span className="nhsuk-u-visually-hidden"> assessment {assessmentId}</span>
    </Button>
  );
}

/**
 * Deleting an assessment is soft: it is hidden, kept, and can be brought back here.
 * Recent deletions come from the audit log, with who deleted them and why.
 */
export function RestorePage() {
  const deletions = useAudit({ action: 'delete' });
  const restores = useAudit({ action: 'restore' });
  const restore = useRestoreAssessment();
  const nameOf = useStaffNames();
  const [id, setId] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [done, setDone] = useState<string[]>([]);

  const restoredIds = new Set([
    ...done,
    ...(restores.data?.pages.flatMap((p) => p.items) ?? []).map((e) => e.entity_id ?? ''),
  ]);
  const deleted = (deletions.data?.pages.flatMap((p) => p.items) ?? []).filter(
    (e: AuditEntry) => e.entity_type === 'assessment' && e.outcome === 'allowed' && e.entity_id !== null,
  );

  const run = (assessmentId: string) => {
    restore.mutate(assessmentId, {
      onSuccess: () => {
        setDone((current) => [...current, assessmentId]);
        setId('');
      },
    });
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (!UUID.test(id.trim())) {
      setProblem('Enter the assessment ID, like 3f2b8c1e-0d4a-4c55-9a7e-2b1d6f0c9e21');
      return;
    }
    setProblem(undefined);
    run(id.trim());
  };

  return (
    <>
      <BackToAdmin />
      <h1 className="nhsuk-heading-l">Restore a deleted assessment</h1>
      {restore.isError && <ProblemSummary error={restore.error} />}
      {restore.isSuccess && (
        <div className="nhsuk-inset-text" role="status">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>The assessment was restored. The team that recorded it can see it again.</p>
        </div>
      )}
      <h2 className="nhsuk-heading-m">Recently deleted</h2>
      {deletions.isPending && <Loading label="Loading recent deletions…" />}
      {deletions.isError && <ProblemSummary error={deletions.error} />}
      {deletions.isSuccess && deleted.length === 0 && (
        <p className="nhsuk-body" data-testid="restore-empty">
          No assessments have been deleted recently.
        </p>
      )}
      {deleted.length > 0 && (
        <ul className="nhsuk-list" data-testid="deleted-list">
          {deleted.map((entry) => {
            const assessmentId = entry.entity_id ?? '';
            const reason = typeof entry.detail.reason === 'string' ? entry.detail.reason : 'none given';
            return (
              <li key={entry.id} className="nhsuk-card">
                <div className="nhsuk-card__content">
                  <h3 className="nhsuk-card__heading nhsuk-heading-s">Assessment {assessmentId}</h3>
                  <p className="nhsuk-body-s">
                    Deleted {formatDateTime(entry.at)} by {nameOf(entry.actor_subject) ?? `user ${entry.actor_subject}`}. Reason: {reason}
                  </p>
                  <RestoreButton
                    assessmentId={assessmentId}
                    restored={restoredIds.has(assessmentId)}
                    pending={restore.isPending}
                    onRestore={run}
                  />
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <form onSubmit={submit} noValidate className="nhsuk-u-margin-top-7" aria-labelledby="by-id-heading">
        <h2 className="nhsuk-heading-m" id="by-id-heading">
          Restore by assessment ID
        </h2>
        {problem !== undefined && <ErrorSummary errors={[{ text: problem, href: '#restore-id' }]} />}
        <TextInput id="restore-id" label="Assessment ID" value={id} error={problem} autoComplete="off" spellCheck={false} onChange={(e) => { setId(e.target.value); }} />
        <Button type="submit" disabled={restore.isPending}>
          Restore assessment
        </Button>
      </form>
    </>
  );
}

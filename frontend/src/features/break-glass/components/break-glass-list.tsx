import { useState, type SyntheticEvent } from 'react';
import { Link } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Textarea } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { paths } from '@/config/paths';
import { formatDateTime } from '@/lib/format';

import { useBreakGlass, useRevokeBreakGlass, type BreakGlass } from '../api/break-glass';


const MIN_REASON = 5;

function Revoke({ entry }: { entry: BreakGlass }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const revoke = useRevokeBreakGlass();
  const id = `revoke-${entry.team_code}-${entry.person_id}`;

  if (!open) {
    return (
      <Button
        variant="secondary"
        onClick={() => {
          setOpen(true);
        }}
      >
        Withdraw access<span className="nhsuk-u-visually-hidden"> of team {entry.team_code}</span>
      </Button>
    );
  }
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (reason.trim().length < MIN_REASON) {
      setProblem(`Say why access is withdrawn, in at least ${MIN_REASON} characters`);
      return;
    }
    setProblem(undefined);
    revoke.mutate({ team: entry.team_code, personId: entry.person_id, reason: reason.trim() });
  };
  return (
    <form onSubmit={submit} noValidate>
      {problem !== undefined && <ErrorSummary errors={[{ text: problem, href: `#${id}` }]} />}
      {revoke.isError && <ProblemSummary error={revoke.error} />}
      <Textarea
        id={id}
        label="Why are you withdrawing this access?"
        hint="The team is told, and the reason is kept in the audit log"
        rows={3}
        value={reason}
        error={problem}
        maxLength={2000}
        onChange={(e) => {
          setReason(e.target.value);
        }}
      />
      <div className="nhsuk-button-group">
        <Button type="submit" variant="warning" disabled={revoke.isPending}>
          Withdraw access now
        </Button>
        <Button
          variant="secondary"
          onClick={() => {
            setOpen(false);
          }}
        >
          Cancel
        </Button>
      </div>
    </form>
  );
}

type BreakGlassListProps = {
  /** The level of each entry's heading: 2 on its own page, 3 inside a section. */
  headingLevel?: 2 | 3;
  /** Where to read more about a person: the audit log (administrators) or their record. */
  auditLink?: boolean;
  /** A member of staff's name from their user ID, when known. */
  nameOf?: (subject: string) => string | undefined;
};

/**
 * Break-glass access in the last 30 days: who, for whom, why; withdrawing it. The API
 * lists the whole organisation to administrators and, to team leads, access others gained
 * to the people their teams care for.
 */
export function BreakGlassList({
  headingLevel = 2,
  auditLink = true,
  nameOf = () => undefined,
}: BreakGlassListProps) {
  const entries = useBreakGlass();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <>
      <p className="nhsuk-body">
        Staff who added someone to their team&apos;s caseload while another team cared for
        them, in the last 30 days, with the reason they gave. Withdrawing access takes the
        person off that team&apos;s caseload at once.
      </p>
      {entries.isPending && <Loading label="Loading break-glass access…" />}
      {entries.isError && <ProblemSummary error={entries.error} />}
      {entries.isSuccess && entries.data.length === 0 && (
        <p className="nhsuk-body" data-testid="break-glass-empty">
          No one has used break-glass access in the last 30 days.
        </p>
      )}
      {entries.isSuccess && entries.data.length > 0 && (
        <ul className="nhsuk-list" data-testid="break-glass-list">
          {entries.data.map((entry) => (
            <li key={`${entry.team_code}/${entry.person_id}`} className="nhsuk-card">
              <div className="nhsuk-card__content">
                <Heading className="nhsuk-card__heading nhsuk-heading-s">
                  Team {entry.team_code}, {formatDateTime(entry.added_at)}
                </Heading>
                <dl className="nhsuk-summary-list">
                  <div className="nhsuk-summary-list__row">
                    <dt className="nhsuk-summary-list__key">Reason given</dt>
                    <dd className="nhsuk-summary-list__value">{entry.reason}</dd>
                  </div>
                  <div className="nhsuk-summary-list__row">
                    <dt className="nhsuk-summary-list__key">Added by</dt>
                    <dd className="nhsuk-summary-list__value">
                      {entry.added_by === null
                        ? 'Not known'
                        : (nameOf(entry.added_by) ?? `User ${entry.added_by}`)}
                    </dd>
                  </div>
                  <div className="nhsuk-summary-list__row">
                    <dt className="nhsuk-summary-list__key">Teams caring for them</dt>
                    <dd className="nhsuk-summary-list__value">{entry.caring_teams.join(', ') || 'None now'}</dd>
                  </div>
                  <div className="nhsuk-summary-list__row">
                    <dt className="nhsuk-summary-list__key">Person</dt>
                    <dd className="nhsuk-summary-list__value">
                      {auditLink ? (
                        <Link to={paths.admin.audit.getHref({ person: entry.person_id })}>
                          See the audit log for {entry.person_id}
                        </Link>
                      ) : (
                        <Link to={paths.person.getHref(entry.person_id)}>See their record</Link>
                      )}
                    </dd>
                  </div>
                </dl>
                <Revoke entry={entry} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

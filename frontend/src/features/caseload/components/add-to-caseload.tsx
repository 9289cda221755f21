import { useState, type SyntheticEvent } from 'react';
import { Link } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Select, Textarea, TextInput } from '@/components/ui/form-fields';
import { paths } from '@/config/paths';
import type { Me } from '@/lib/access';
import { isApiError } from '@/lib/api';

import { useAddToCaseload, type PersonRead } from '../api/add-to-caseload';
import { formatNhsNumber, parseSearch } from '../lib/search-terms';

const MIN_REASON = 10;

/** The API asks for a reason (409 naming body.reason) when another team cares for them. */
function needsReason(error: unknown): boolean {
  return (
    isApiError(error, 409) &&
    (error.problem?.errors ?? []).some((problem) => problem.field === 'body.reason')
  );
}

/**
 * Find someone known to the trust by NHS number and add them to one of your teams'
 * caseloads. When another team cares for them this is break-glass: a reason is asked
 * for, recorded, and shown to that team's lead and to administrators.
 */
export function AddToCaseload({ teams }: { teams: Me['teams'] }) {
  const [nhsNumber, setNhsNumber] = useState('');
  const [team, setTeam] = useState(teams[0]?.code ?? '');
  const [reason, setReason] = useState('');
  const [askReason, setAskReason] = useState(false);
  const [fieldError, setFieldError] = useState<{ field: string; text: string } | null>(null);
  const [added, setAdded] = useState<PersonRead | null>(null);
  const add = useAddToCaseload();

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setAdded(null);
    const terms = parseSearch(nhsNumber);
    if (!('nhsNumber' in terms) || terms.nhsNumber === undefined) {
      setFieldError({ field: 'add-nhs-number', text: 'Enter an NHS number of 10 digits, like 999 123 4567' });
      return;
    }
    if (askReason && reason.trim().length < MIN_REASON) {
      setFieldError({
        field: 'add-reason',
        text: `Say why you need access, in at least ${MIN_REASON} characters`,
      });
      return;
    }
    setFieldError(null);
    add.mutate(
      { team, nhsNumber: terms.nhsNumber, reason: askReason ? reason.trim() : undefined },
      {
        onSuccess: (person) => {
          setAdded(person);
          setNhsNumber('');
          setReason('');
          setAskReason(false);
        },
        onError: (error) => {
          if (needsReason(error)) setAskReason(true);
        },
      },
    );
  };

  const teamName = teams.find((t) => t.code === team)?.name ?? team;

  return (
    <section aria-labelledby="add-heading" className="nhsuk-u-margin-top-7">
      <h2 className="nhsuk-heading-m" id="add-heading">
        Add someone to your caseload
      </h2>
      {added !== null && (
        <div className="nhsuk-inset-text" role="status" data-testid="caseload-added">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>
            <Link to={paths.person.getHref(added.id)}>
              {added.given_name} {added.family_name}
            </Link>{' '}
            is now on the caseload of {teamName}.
          </p>
        </div>
      )}
      {fieldError !== null && (
        <ErrorSummary errors={[{ text: fieldError.text, href: `#${fieldError.field}` }]} />
      )}
      {add.isError && !needsReason(add.error) && (
        <ProblemSummary
          error={add.error}
          title={
            isApiError(add.error, 404)
              ? `No one with NHS number ${formatNhsNumber(nhsNumber.replace(/\D/g, ''))} is known to your trust`
              : undefined
          }
          fieldTargets={{ 'body.nhs_number': '#add-nhs-number', 'body.reason': '#add-reason' }}
        />
      )}
      <form onSubmit={submit} noValidate>
        <TextInput
          id="add-nhs-number"
          label="NHS number"
          hint="They must already be known to your trust, for example sent by your patient record system"
          width={10}
          inputMode="numeric"
          autoComplete="off"
          value={nhsNumber}
          error={fieldError?.field === 'add-nhs-number' ? fieldError.text : undefined}
          onChange={(e) => {
            setNhsNumber(e.target.value);
            setAskReason(false);
          }}
        />
        {teams.length > 1 && (
          <Select
            id="add-team"
            label="Add to the caseload of"
            value={team}
            onChange={(e) => {
              setTeam(e.target.value);
            }}
            options={teams.map((t) => ({ value: t.code, label: t.name }))}
          />
        )}
        {askReason && (
          <div className="nhsuk-warning-callout">
            <h3 className="nhsuk-warning-callout__label">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              Another team cares for this person
            </h3>
            <p>
              To see their record you need a reason. It is recorded in the audit log and shown to the lead of the team
              that cares for them and to your organisation&apos;s administrators, who can
              withdraw your access.
            </p>
            <Textarea
              id="add-reason"
              label="Why do you need access?"
              hint="For example, covering a home visit for the community team this week"
              value={reason}
              maxLength={2000}
              error={fieldError?.field === 'add-reason' ? fieldError.text : undefined}
              onChange={(e) => {
                setReason(e.target.value);
              }}
            />
          </div>
        )}
        <Button type="submit" disabled={add.isPending}>
          {askReason ? 'Give reason and add to caseload' : 'Add to caseload'}
        </Button>
      </form>
    </section>
  );
}

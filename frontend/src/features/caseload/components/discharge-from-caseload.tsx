import { useState } from 'react';
import { useNavigate } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { paths } from '@/config/paths';
import type { Me } from '@/lib/access';

import { useDischarge } from '../api/discharge';

type DischargeProps = {
  person: { id: string; given_name: string; family_name: string; teams: string[] };
  teams: Me['teams'];
};

/**
 * Taking someone off one of your teams' caseloads (a discharge from the team). The team's
 * access ends at once, so this asks to confirm, and then goes back to the caseload.
 */
export function DischargeFromCaseload({ person, teams }: DischargeProps) {
  const mine = teams.filter((t) => person.teams.includes(t.code));
  const [confirming, setConfirming] = useState<string | null>(null);
  const discharge = useDischarge();
  const navigate = useNavigate();
  if (mine.length === 0) return null;
  const name = `${person.given_name} ${person.family_name}`;

  return (
    <section aria-labelledby="discharge-heading" className="nhsuk-u-margin-top-7">
      <h2 className="nhsuk-heading-m" id="discharge-heading">
        Take off your caseload
      </h2>
      {discharge.isError && <ProblemSummary error={discharge.error} />}
      {mine.map((team) =>
        confirming === team.code ? (
          <div className="nhsuk-warning-callout" key={team.code}>
            <h3 className="nhsuk-warning-callout__label">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              Take {name} off the caseload of {team.name}?
            </h3>
            <p>
              Your team will no longer see their record or assessments. Their assessments are
              kept. You can add them again later by their NHS number.
            </p>
            <div className="nhsuk-button-group">
              <Button
                variant="warning"
                disabled={discharge.isPending}
                onClick={() => {
                  discharge.mutate(
                    { team: team.code, personId: person.id },
                    { onSuccess: () => void navigate(paths.caseload.getHref()) },
                  );
                }}
              >
                Yes, take them off
              </Button>
              <Button
                variant="secondary"
                onClick={() => {
                  setConfirming(null);
                }}
              >
                No, keep them
              </Button>
            </div>
          </div>
        ) : (
          <Button
            key={team.code}
            variant="secondary"
            onClick={() => {
              setConfirming(team.code);
            }}
          >
            Take off the caseload of {team.name}
          </Button>
        ),
      )}
    </section>
  );
}

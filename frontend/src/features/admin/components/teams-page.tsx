import { useState, type SyntheticEvent } from 'react';
import { Link } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { TextInput } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { paths } from '@/config/paths';

import { useCreateTeam, useTeams, type Team } from '../api/teams';

import { BackToAdmin } from './back-to-admin';

const CODE = /^[A-Z0-9][A-Z0-9-]{1,63}$/;

function reviewInterval(team: Team): string {
  const months = team.settings.review_interval_months;
  return typeof months === 'number' ? `Every ${String(months)} months` : 'Every 6 months (default)';
}

function NewTeam() {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [service, setService] = useState('');
  const [months, setMonths] = useState('');
  const [problems, setProblems] = useState<{ text: string; href: string }[]>([]);
  const create = useCreateTeam();

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const found: { text: string; href: string }[] = [];
    if (!CODE.test(code.trim())) {
      found.push({ text: 'Enter a team code of capital letters, digits and hyphens, like EQA-LD-NORTH', href: '#team-code' });
    }
    if (name.trim() === '') found.push({ text: 'Enter the team’s name', href: '#team-name' });
    const interval = months.trim() === '' ? undefined : Number(months);
    if (interval !== undefined && !(Number.isInteger(interval) && interval >= 1 && interval <= 60)) {
      found.push({ text: 'Enter the review interval as whole months, from 1 to 60', href: '#team-review' });
    }
    setProblems(found);
    if (found.length > 0) return;
    create.mutate(
      {
        code: code.trim(),
        name: name.trim(),
        service: service.trim() === '' ? null : service.trim(),
        settings: interval === undefined ? {} : { review_interval_months: interval },
      },
      {
        onSuccess: () => {
          setCode('');
          setName('');
          setService('');
          setMonths('');
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-team-heading" className="nhsuk-u-margin-top-7">
      <h2 className="nhsuk-heading-m" id="new-team-heading">
        Set up a team
      </h2>
      {problems.length > 0 && <ErrorSummary errors={problems} />}
      {create.isError && (
        <ProblemSummary
          error={create.error}
          fieldTargets={{ 'body.code': '#team-code', 'body.name': '#team-name' }}
        />
      )}
      {create.isSuccess && (
        <div className="nhsuk-inset-text" role="status">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>
            <Link to={paths.admin.team.getHref(create.data.code)}>{create.data.name}</Link> was set
            up. Add its members next.
          </p>
        </div>
      )}
      <TextInput id="team-code" label="Team code" hint="Stays the same for good, for example EQA-LD-NORTH" width={20} value={code} autoComplete="off" spellCheck={false} onChange={(e) => { setCode(e.target.value.toUpperCase()); }} />
      <TextInput id="team-name" label="Team name" value={name} autoComplete="off" onChange={(e) => { setName(e.target.value); }} />
      <TextInput id="team-service" label="Service (optional)" hint="For example, Community learning disability service" value={service} autoComplete="off" onChange={(e) => { setService(e.target.value); }} />
      <TextInput id="team-review" label="Review interval in months (optional)" hint="How often people on the caseload are reviewed. If left empty, every 6 months." width={3} inputMode="numeric" value={months} autoComplete="off" onChange={(e) => { setMonths(e.target.value); }} />
      <Button type="submit" disabled={create.isPending}>
        Set up team
      </Button>
    </form>
  );
}

/** The organisation's teams, and setting up a new one. */
export function TeamsPage() {
  const teams = useTeams();
  return (
    <>
      <BackToAdmin />
      <h1 className="nhsuk-heading-l">Teams and memberships</h1>
      {teams.isPending && <Loading label="Loading teams…" />}
      {teams.isError && <ProblemSummary error={teams.error} />}
      {teams.isSuccess && teams.data.length === 0 && (
        <p className="nhsuk-body">Your organisation has no teams yet. Set one up below.</p>
      )}
      {teams.isSuccess && teams.data.length > 0 && (
        <ResponsiveTable
          caption="Teams in your organisation"
          columns={[
            { header: 'Team', cell: (t: Team) => <Link to={paths.admin.team.getHref(t.code)}>{t.name}</Link> },
            { header: 'Code', cell: (t: Team) => t.code },
            { header: 'Service', cell: (t: Team) => t.service ?? 'Not set' },
            { header: 'Reviews', cell: reviewInterval },
          ]}
          rows={teams.data}
          rowKey={(t) => t.code}
          testId="teams-table"
        />
      )}
      <NewTeam />
    </>
  );
}

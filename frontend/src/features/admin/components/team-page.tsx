import { useState, type SyntheticEvent } from 'react';

import { NotFoundOrNoAccess, ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Select, TextInput } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api';

import { useMembers, usePutMember, useRemoveMember, useTeams, type Member } from '../api/teams';

import { BackToAdmin } from './back-to-admin';

const ROLES = [
  { value: 'member', label: 'Member' },
  { value: 'lead', label: 'Team lead' },
];

function AddMember({ code }: { code: string }) {
  const [subject, setSubject] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'member' | 'lead'>('member');
  const [problems, setProblems] = useState<{ text: string; href: string }[]>([]);
  const put = usePutMember();

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const found: { text: string; href: string }[] = [];
    if (subject.trim() === '') found.push({ text: 'Enter their NHS Care Identity user ID', href: '#member-subject' });
    if (name.trim() === '') found.push({ text: 'Enter their name', href: '#member-name' });
    setProblems(found);
    if (found.length > 0) return;
    put.mutate(
      { code, subject: subject.trim(), member: { display_name: name.trim(), role } },
      {
        onSuccess: () => {
          setSubject('');
          setName('');
          setRole('member');
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="add-member-heading" className="nhsuk-u-margin-top-7">
      <h2 className="nhsuk-heading-m" id="add-member-heading">
        Add someone to this team
      </h2>
      {problems.length > 0 && <ErrorSummary errors={problems} />}
      {put.isError && <ProblemSummary error={put.error} />}
      <TextInput id="member-subject" label="User ID" hint="The 12-digit user ID from their NHS Care Identity (smartcard) account" width={20} value={subject} autoComplete="off" spellCheck={false} onChange={(e) => { setSubject(e.target.value); }} />
      <TextInput id="member-name" label="Name" value={name} autoComplete="off" onChange={(e) => { setName(e.target.value); }} />
      <Select id="member-role" label="Role in the team" value={role} options={ROLES} onChange={(e) => { setRole(e.target.value === 'lead' ? 'lead' : 'member'); }} />
      <Button type="submit" disabled={put.isPending}>
        Add to team
      </Button>
    </form>
  );
}

function MemberActions({ code, member }: { code: string; member: Member }) {
  const put = usePutMember();
  const remove = useRemoveMember();
  const [confirming, setConfirming] = useState(false);
  const otherRole = member.role === 'lead' ? 'member' : 'lead';
  return (
    <>
      {(put.isError || remove.isError) && <ProblemSummary error={put.error ?? remove.error} />}
      <div className="nhsuk-button-group nhsuk-u-margin-bottom-0">
        <Button
          small
          variant="secondary"
          disabled={put.isPending}
          onClick={() => {
            put.mutate({ code, subject: member.subject, member: { display_name: member.display_name, role: otherRole } });
          }}
        >
          {member.role === 'lead' ? 'Make a member' : 'Make team lead'}
          <span className="nhsuk-u-visually-hidden"> ({member.display_name})</span>
        </Button>
        {confirming ? (
          <Button
            small
            variant="warning"
            disabled={remove.isPending}
            onClick={() => {
              remove.mutate({ code, subject: member.subject });
            }}
          >
            Yes, remove {member.display_name}
          </Button>
        ) : (
          <Button
            small
            variant="secondary"
            onClick={() => {
              setConfirming(true);
            }}
          >
            Remove from team<span className="nhsuk-u-visually-hidden"> ({member.display_name})</span>
          </Button>
        )}
      </div>
    </>
  );
}

/** One team: who is in it, their roles, adding and removing people. */
export function TeamPage({ code }: { code: string }) {
  const teams = useTeams();
  const members = useMembers(code);
  const team = teams.data?.find((t) => t.code === code);

  if (members.isError && (isApiError(members.error, 404) || isApiError(members.error, 422))) {
    return <NotFoundOrNoAccess what="team" />;
  }
  const title = team?.name ?? `Team ${code}`;
  return (
    <>
      <PageTitle title={title} />
      <BackToAdmin to={paths.admin.teams.getHref()} label="Back to teams" />
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-l">Team {code}</span> {title}
      </h1>
      {members.isPending && <Loading label="Loading members…" />}
      {members.isError && <ProblemSummary error={members.error} />}
      {members.isSuccess && members.data.length === 0 && (
        <p className="nhsuk-body">No one is in this team yet. Add people below.</p>
      )}
      {members.isSuccess && members.data.length > 0 && (
        <ResponsiveTable
          caption="Members"
          columns={[
            { header: 'Name', cell: (m: Member) => m.display_name },
            { header: 'User ID', cell: (m: Member) => m.subject },
            { header: 'Role', cell: (m: Member) => (m.role === 'lead' ? 'Team lead' : 'Member') },
            { header: 'Change', cell: (m: Member) => <MemberActions code={code} member={m} /> },
          ]}
          rows={members.data}
          rowKey={(m) => m.subject}
          testId="members-table"
        />
      )}
      <AddMember code={code} />
    </>
  );
}

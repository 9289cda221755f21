import { useQueries } from '@tanstack/react-query';

import { useApiClients } from '@/lib/api';

import { getMembersQueryOptions, useTeams } from './teams';

/**
 * The names staff are known by in their teams, by user ID, so the audit log and the
 * break-glass list can say "Ben Okafor" rather than "555000000002". Someone in no team
 * (or a system) keeps their ID.
 */
export function useStaffNames(): (subject: string) => string | undefined {
  const { scoring } = useApiClients();
  const teams = useTeams();
  const members = useQueries({
    queries: (teams.data ?? []).map((team) => getMembersQueryOptions(scoring, team.code)),
  });
  const names = new Map<string, string>();
  for (const result of members) {
    for (const member of result.data ?? []) names.set(member.subject, member.display_name);
  }
  return (subject) => names.get(subject);
}

import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { toApiError, useApiClients, type ScoringClient } from '@/lib/api';

export type Team = components['schemas']['TeamRead'];
export type TeamCreate = components['schemas']['TeamCreate'];
export type Member = components['schemas']['MemberRead'];
export type MemberPut = components['schemas']['MemberPut'];

const teamsKey = ['scoring', 'teams'] as const;
const membersKey = (code: string) => ['scoring', 'teams', code, 'members'] as const;

/** GET /api/scoring/teams: the organisation's teams (all of them, for an administrator). */
export async function getTeams(client: ScoringClient, signal?: AbortSignal): Promise<Team[]> {
  const { data, error, response } = await client.GET('/api/scoring/teams', { signal });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export const getTeamsQueryOptions = (client: ScoringClient) =>
  queryOptions({ queryKey: teamsKey, queryFn: ({ signal }) => getTeams(client, signal) });

export function useTeams() {
  const { scoring } = useApiClients();
  return useQuery(getTeamsQueryOptions(scoring));
}

/** POST /api/scoring/teams. */
export async function createTeam(client: ScoringClient, body: TeamCreate): Promise<Team> {
  const { data, error, response } = await client.POST('/api/scoring/teams', { body });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useCreateTeam() {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TeamCreate) => createTeam(scoring, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: teamsKey, exact: true }),
  });
}

/** GET /api/scoring/teams/{code}/members. */
export async function getMembers(
  client: ScoringClient,
  code: string,
  signal?: AbortSignal,
): Promise<Member[]> {
  const { data, error, response } = await client.GET('/api/scoring/teams/{code}/members', {
    params: { path: { code } },
    signal,
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export const getMembersQueryOptions = (client: ScoringClient, code: string) =>
  queryOptions({
    queryKey: membersKey(code),
    queryFn: ({ signal }) => getMembers(client, code, signal),
  });

export function useMembers(code: string) {
  const { scoring } = useApiClients();
  return useQuery(getMembersQueryOptions(scoring, code));
}

export type PutMember = { code: string; subject: string; member: MemberPut };

/** PUT /api/scoring/teams/{code}/members/{subject}: add someone, or change their role. */
export async function putMember(client: ScoringClient, { code, subject, member }: PutMember) {
  const { data, error, response } = await client.PUT(
    '/api/scoring/teams/{code}/members/{subject}',
    { params: { path: { code, subject } }, body: member },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function usePutMember() {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PutMember) => putMember(scoring, input),
    onSuccess: (_, { code }) => queryClient.invalidateQueries({ queryKey: membersKey(code) }),
  });
}

export type RemoveMember = { code: string; subject: string };

/** DELETE /api/scoring/teams/{code}/members/{subject}. */
export async function removeMember(client: ScoringClient, { code, subject }: RemoveMember) {
  const { error, response } = await client.DELETE('/api/scoring/teams/{code}/members/{subject}', {
    params: { path: { code, subject } },
  });
  if (!response.ok) throw toApiError(response, error);
}

export function useRemoveMember() {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: RemoveMember) => removeMember(scoring, input),
    onSuccess: (_, { code }) => queryClient.invalidateQueries({ queryKey: membersKey(code) }),
  });
}

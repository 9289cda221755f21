import { queryOptions, useQuery } from '@tanstack/react-query';

import type { components } from '@/api/generated/scoring';
import { everyPage, toApiError, useApiClients, type ScoringClient } from '@/lib/api';

export type OrgAssessment = components['schemas']['OrganisationalAssessmentRead'];
export type OrgAssessmentSummary = components['schemas']['OrganisationalAssessmentSummary'];
export type OrgAssessmentCreate = components['schemas']['OrganisationalAssessmentCreate'];
export type OrgAssessmentUpdate = components['schemas']['OrganisationalAssessmentUpdate'];
export type ItemNote = components['schemas']['ItemNote'];
export type Project = components['schemas']['ProjectRead'];
export type ProjectCreate = components['schemas']['ProjectCreate'];

/** The ETag of a version, as the service writes it (services/common/etag.py). */
export const etagFor = (version: number) => `"${String(version)}"`;

// Every organisational query starts with this, so a write can invalidate exactly its own.
export const organisationalKeys = {
  all: ['scoring', 'organisational'] as const,
  list: () => [...organisationalKeys.all, 'assessments'] as const,
  one: (assessmentId: string) => [...organisationalKeys.all, 'assessment', assessmentId] as const,
  projects: () => [...organisationalKeys.all, 'projects'] as const,
};

/** GET /api/scoring/organisational-assessments: every one the caller may read, newest first. */
export async function getOrgAssessments(
  client: ScoringClient,
  signal?: AbortSignal,
): Promise<OrgAssessmentSummary[]> {
  const { data, error, response } = await client.GET('/api/scoring/organisational-assessments', {
    signal,
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useOrgAssessments() {
  const { scoring } = useApiClients();
  return useQuery(
    queryOptions({
      queryKey: organisationalKeys.list(),
      queryFn: ({ signal }) => getOrgAssessments(scoring, signal),
    }),
  );
}

/** GET /api/scoring/organisational-assessments/{id}. */
export async function getOrgAssessment(
  client: ScoringClient,
  assessmentId: string,
  signal?: AbortSignal,
): Promise<OrgAssessment> {
  const { data, error, response } = await client.GET(
    '/api/scoring/organisational-assessments/{assessment_id}',
    { params: { path: { assessment_id: assessmentId } }, signal },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

export function useOrgAssessment(assessmentId: string) {
  const { scoring } = useApiClients();
  return useQuery({
    queryKey: organisationalKeys.one(assessmentId),
    queryFn: ({ signal }) => getOrgAssessment(scoring, assessmentId, signal),
    // Read afresh each time the page opens (a colleague may have changed it), never while open.
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
  });
}

/** POST /api/scoring/organisational-assessments: a draft of the organisation or a project. */
export async function createOrgAssessment(
  client: ScoringClient,
  body: OrgAssessmentCreate,
): Promise<OrgAssessment> {
  const { data, error, response } = await client.POST('/api/scoring/organisational-assessments', {
    body,
  });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

/** PATCH with If-Match: answers and notes are merged (null removes one); stale is a 412. */
export async function updateOrgAssessment(
  client: ScoringClient,
  assessmentId: string,
  version: number,
  body: OrgAssessmentUpdate,
): Promise<OrgAssessment> {
  const { data, error, response } = await client.PATCH(
    '/api/scoring/organisational-assessments/{assessment_id}',
    {
      params: { path: { assessment_id: assessmentId }, header: { 'if-match': etagFor(version) } },
      body,
    },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

/** POST .../submit with If-Match: checked for completeness, scored and submitted. */
export async function submitOrgAssessment(
  client: ScoringClient,
  assessmentId: string,
  version: number,
): Promise<OrgAssessment> {
  const { data, error, response } = await client.POST(
    '/api/scoring/organisational-assessments/{assessment_id}/submit',
    {
      params: { path: { assessment_id: assessmentId }, header: { 'if-match': etagFor(version) } },
    },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

/** POST .../amend with If-Match: a new revision with a reason; the history is kept. */
export async function amendOrgAssessment(
  client: ScoringClient,
  assessmentId: string,
  version: number,
  body: components['schemas']['OrganisationalAssessmentAmend'],
): Promise<OrgAssessment> {
  const { data, error, response } = await client.POST(
    '/api/scoring/organisational-assessments/{assessment_id}/amend',
    {
      params: { path: { assessment_id: assessmentId }, header: { 'if-match': etagFor(version) } },
      body,
    },
  );
  if (data === undefined) throw toApiError(response, error);
  return data;
}

/** Pages of the organisational lists: the largest scoring serves (repository.PAGE_MAX). */
export const LIST_PAGE = 500;

/** GET /api/scoring/projects: the projects and programmes assessed with HEAT (all pages). */
export async function getProjects(client: ScoringClient, signal?: AbortSignal): Promise<Project[]> {
  return everyPage(async (cursor) => {
    const { data, error, response } = await client.GET('/api/scoring/projects', {
      params: { query: { limit: LIST_PAGE, cursor } },
      signal,
    });
    if (data === undefined) throw toApiError(response, error);
    return data;
  });
}

export function useProjects(enabled = true) {
  const { scoring } = useApiClients();
  return useQuery({
    queryKey: organisationalKeys.projects(),
    queryFn: ({ signal }) => getProjects(scoring, signal),
    enabled,
  });
}

/** POST /api/scoring/projects. */
export async function createProject(client: ScoringClient, body: ProjectCreate): Promise<Project> {
  const { data, error, response } = await client.POST('/api/scoring/projects', { body });
  if (data === undefined) throw toApiError(response, error);
  return data;
}

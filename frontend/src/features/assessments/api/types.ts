import type { components } from '@/api/generated/scoring';

export type Assessment = components['schemas']['AssessmentRead'];
export type AssessmentCreate = components['schemas']['AssessmentCreate'];
export type AssessmentUpdate = components['schemas']['AssessmentUpdate'];
export type AssessmentAmend = components['schemas']['AssessmentAmend'];
export type Revision = components['schemas']['RevisionRead'];
export type FreeTextFlag = components['schemas']['FreeTextFlagRead'];
export type Subject = components['schemas']['PersonRead'];

/** The ETag of a version, as the service writes it (services/common/etag.py). */
export const etagFor = (version: number) => `"${String(version)}"`;

export const assessmentQueryKey = (assessmentId: string) =>
  ['scoring', 'assessments', assessmentId] as const;

import type { components, operations } from '@/api/generated/aggregation';

type Schemas = components['schemas'];

export type Dataset = Schemas['DatasetRead'];
export type DatasetCreate = Schemas['DatasetCreate'];
export type ImportRecord = Schemas['ImportRead'];
export type Figure = Schemas['EquityFigure'];
export type Shown = Schemas['EquityShown'];
export type Engagement = Schemas['EquityEngagement'];
export type EngagementRow = Schemas['EquityEngagementRow'];
export type Completeness = Schemas['EquityCompleteness'];
export type FieldCompleteness = Schemas['EquityFieldCompleteness'];
export type Representation = Schemas['EquityRepresentation'];
export type RepresentationRow = Schemas['EquityRepresentationRow'];
export type Evaluation = Schemas['EquityEvaluation'];
export type EvaluationRow = Schemas['EquityEvaluationRow'];
export type Gap = Schemas['EquityGap'];
export type Difference = Schemas['EquityDifference'];
export type ReferencePopulation = Schemas['EquityReferenceRead'];
export type ReferencePopulationCreate = Schemas['EquityReferenceCreate'];
export type ReferenceCount = Schemas['EquityReferenceCount'];
export type ImdLookup = Schemas['EquityImdLookupRead'];
export type ImdVintage = ImdLookup['vintage'];
export type Step = Schemas['EquityStepRead'];
export type StepWrite = Schemas['EquityStepWrite'];
export type Unit = Schemas['OrganisationRead'];

type EngagementQuery = NonNullable<operations['equity-get_engagement']['parameters']['query']>;
type EvaluationQuery = operations['equity-get_evaluation']['parameters']['query'];

export type Breakdown = NonNullable<EngagementQuery['by']>;
export type ClinicalArea = NonNullable<EngagementQuery['clinical_area']>;
export type Measure = NonNullable<EvaluationQuery['measure']>;
export type EvaluationParams = EvaluationQuery;

// Query keys shared by more than one feature, so that a write in one invalidates exactly
// what another reads (never a bare invalidateQueries()).
export const scoringKeys = {
  people: ['scoring', 'people'] as const,
  person: (personId: string) => ['scoring', 'person', personId] as const,
  personAssessments: (personId: string) => ['scoring', 'person', personId, 'assessments'] as const,
};

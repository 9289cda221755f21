// The board tools' and HEAT's pages, below the /board prefix the app router gives this
// feature (config/paths.ts). Ids are encoded so a hand-typed address reaches no other page.
const id = (value: string) => encodeURIComponent(value);

export const INSTRUMENTS = {
  selfAssessment: 'board-self-assessment',
  assurance: 'board-assurance',
  heat: 'heat',
  heatAudit: 'heat-audit',
} as const;

export type InstrumentId = (typeof INSTRUMENTS)[keyof typeof INSTRUMENTS];

export const isInstrumentId = (value: string | undefined): value is InstrumentId =>
  Object.values(INSTRUMENTS).some((known) => known === value);

export const boardPaths = {
  home: { route: '', href: () => '/board' },
  private: { route: 'private', href: () => '/board/private' },
  start: {
    route: 'start/:instrument',
    href: (instrument: InstrumentId, projectId?: string) =>
      `/board/start/${id(instrument)}${projectId === undefined ? '' : `?project=${id(projectId)}`}`,
  },
  assessment: {
    route: 'assessments/:assessmentId',
    href: (assessmentId: string) => `/board/assessments/${id(assessmentId)}`,
  },
  amend: {
    route: 'assessments/:assessmentId/amend',
    href: (assessmentId: string) => `/board/assessments/${id(assessmentId)}/amend`,
  },
  heatAudit: { route: 'heat-audit', href: () => '/board/heat-audit' },
} as const;

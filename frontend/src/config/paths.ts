// The route table. Components link with `getHref`; the router mounts `path`.
export const paths = {
  home: {
    path: '/',
    getHref: () => '/',
  },
  auth: {
    callback: {
      path: '/callback',
      getHref: () => '/callback',
    },
    logout: {
      path: '/logout',
      getHref: () => '/logout',
    },
  },
  assessments: {
    new: {
      path: '/people/:personId/assessments/new',
      getHref: (personId: string) => `/people/${encodeURIComponent(personId)}/assessments/new`,
    },
    assessment: {
      path: '/assessments/:assessmentId',
      getHref: (assessmentId: string) => `/assessments/${encodeURIComponent(assessmentId)}`,
    },
    amend: {
      path: '/assessments/:assessmentId/amend',
      getHref: (assessmentId: string) => `/assessments/${encodeURIComponent(assessmentId)}/amend`,
    },
    revisions: {
      path: '/assessments/:assessmentId/revisions',
      getHref: (assessmentId: string) =>
        `/assessments/${encodeURIComponent(assessmentId)}/revisions`,
    },
    profile: {
      path: '/assessments/:assessmentId/profile',
      getHref: (assessmentId: string) =>
        `/assessments/${encodeURIComponent(assessmentId)}/profile`,
    },
  },
} as const;

// The route table. Components link with `getHref`; the router mounts `path`.
// Ids are encoded so that a hand-typed address never reaches another route.
const id = (value: string) => encodeURIComponent(value);

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
  caseload: {
    path: '/caseload',
    getHref: () => '/caseload',
  },
  person: {
    path: '/people/:personId',
    getHref: (personId: string) => `/people/${id(personId)}`,
  },
  // The assessment pages (the HEF form and the profile) are built in features/assessments
  // and features/profile; the person page links to them.
  assessments: {
    create: {
      path: '/people/:personId/assessments/new',
      getHref: (personId: string) => `/people/${id(personId)}/assessments/new`,
    },
    detail: {
      path: '/assessments/:assessmentId',
      getHref: (assessmentId: string) => `/assessments/${id(assessmentId)}`,
    },
    profile: {
      path: '/assessments/:assessmentId/profile',
      getHref: (assessmentId: string) => `/assessments/${id(assessmentId)}/profile`,
    },
    amend: {
      path: '/assessments/:assessmentId/amend',
      getHref: (assessmentId: string) => `/assessments/${id(assessmentId)}/amend`,
    },
    revisions: {
      path: '/assessments/:assessmentId/revisions',
      getHref: (assessmentId: string) => `/assessments/${id(assessmentId)}/revisions`,
    },
  },
  dashboards: {
    path: '/dashboards',
    getHref: () => '/dashboards',
  },
  // Each feature routes its own pages under its prefix (features/*/paths.ts).
  board: {
    path: '/board/*',
    getHref: () => '/board',
  },
  equity: {
    path: '/equity/*',
    getHref: () => '/equity',
  },
  admin: {
    root: {
      path: '/admin',
      getHref: () => '/admin',
    },
    teams: {
      path: '/admin/teams',
      getHref: () => '/admin/teams',
    },
    team: {
      path: '/admin/teams/:teamCode',
      getHref: (teamCode: string) => `/admin/teams/${id(teamCode)}`,
    },
    audit: {
      path: '/admin/audit',
      getHref: (filters?: Record<string, string>) => {
        const query = new URLSearchParams(filters).toString();
        return query === '' ? '/admin/audit' : `/admin/audit?${query}`;
      },
    },
    breakGlass: {
      path: '/admin/break-glass',
      getHref: () => '/admin/break-glass',
    },
    restore: {
      path: '/admin/restore',
      getHref: () => '/admin/restore',
    },
  },
} as const;

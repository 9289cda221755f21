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
} as const;

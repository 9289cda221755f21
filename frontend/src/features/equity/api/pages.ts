/** The page size the equity lists are asked for (their largest). */
export const PAGE = 200;

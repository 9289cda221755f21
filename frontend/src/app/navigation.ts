import type { NavigationItem } from '@/components/layouts';
import { paths } from '@/config/paths';
import {
  administers,
  keepsCaseload,
  seesDashboards,
  seesServiceEquity,
  usesBoardTools,
  type Me,
} from '@/lib/access';

/** The parts of Equitas a role uses, in the order people reach for them. */
export function navigationFor(me: Me): NavigationItem[] {
  const items: NavigationItem[] = [];
  if (keepsCaseload(me)) {
    // A person's pages and their assessments are reached from the caseload.
    items.push({
      label: 'Caseload',
      href: paths.caseload.getHref(),
      alsoUnder: ['/people', '/assessments'],
    });
  }
  if (seesDashboards(me)) items.push({ label: 'Dashboards', href: paths.dashboards.getHref() });
  if (seesServiceEquity(me)) items.push({ label: 'Service equity', href: paths.equity.getHref() });
  if (usesBoardTools(me)) items.push({ label: 'Board and HEAT', href: paths.board.getHref() });
  if (administers(me)) items.push({ label: 'Admin', href: paths.admin.root.getHref() });
  items.push({ label: 'Your account', href: paths.home.getHref() });
  return items;
}

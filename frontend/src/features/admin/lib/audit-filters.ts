import type { AuditFilters } from '../api/audit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The audit log's filters as the page address holds them (so they can be shared). */
export type AuditSearch = {
  person: string;
  actor: string;
  action: string;
  outcome: '' | 'allowed' | 'refused';
  from: string;
  to: string;
};

export const NO_FILTERS: AuditSearch = { person: '', actor: '', action: '', outcome: '', from: '', to: '' };

export function readSearch(params: URLSearchParams): AuditSearch {
  const outcome = params.get('outcome');
  return {
    person: params.get('person') ?? '',
    actor: params.get('actor') ?? '',
    action: params.get('action') ?? '',
    outcome: outcome === 'allowed' || outcome === 'refused' ? outcome : '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
}

export function writeSearch(search: AuditSearch): Record<string, string> {
  return Object.fromEntries(Object.entries(search).filter(([, value]) => value !== ''));
}

export type FilterProblem = { field: keyof AuditSearch; text: string };

/** Problems with the filters as typed, each for its field. */
export function checkSearch(search: AuditSearch): FilterProblem[] {
  const problems: FilterProblem[] = [];
  if (search.person !== '' && !UUID.test(search.person.trim())) {
    problems.push({
      field: 'person',
      text: 'Enter a record ID as shown in the log, like 3f2b8c1e-0d4a-4c55-9a7e-2b1d6f0c9e21',
    });
  }
  if (search.from !== '' && !DAY.test(search.from)) {
    problems.push({ field: 'from', text: 'Enter a real date for “from”' });
  }
  if (search.to !== '' && !DAY.test(search.to)) {
    problems.push({ field: 'to', text: 'Enter a real date for “to”' });
  }
  if (DAY.test(search.from) && DAY.test(search.to) && search.to < search.from) {
    problems.push({ field: 'to', text: '“To” must be the same as or after “from”' });
  }
  return problems;
}

/** What the service filters on; "to" is applied to the entries read (see AuditPage). */
export function toFilters(search: AuditSearch): AuditFilters {
  return {
    entityId: search.person.trim() || undefined,
    actor: search.actor.trim() || undefined,
    action: search.action.trim() || undefined,
    outcome: search.outcome || undefined,
    from: search.from || undefined,
  };
}

/** An entry is on or before the "to" day, in England. */
export function onOrBefore(at: string, to: string): boolean {
  if (to === '') return true;
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(at));
  return day <= to;
}

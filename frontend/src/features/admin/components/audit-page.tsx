import { useState, type SyntheticEvent } from 'react';
import { Link, useSearchParams } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { DateInput } from '@/components/ui/date-input';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Select, TextInput } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { Tag } from '@/components/ui/tag';
import { paths } from '@/config/paths';
import { formatDateTime } from '@/lib/format';

import { useAudit, type AuditEntry } from '../api/audit';
import { useStaffNames } from '../api/staff-names';
import {
  checkSearch,
  NO_FILTERS,
  onOrBefore,
  readSearch,
  toFilters,
  writeSearch,
  type AuditSearch,
  type FilterProblem,
} from '../lib/audit-filters';

import { BackToAdmin } from './back-to-admin';

const ACTIONS = [
  'read', 'search', 'create', 'update', 'change', 'submit', 'amended', 'delete', 'restore',
  'break-glass', 'break-glass-revoke', 'caseload-add', 'caseload-discharge', 'member-add',
  'member-role', 'member-remove', 'fhir-read', 'fhir-search', 'instrument-upload', 'role-mapping',
];

function describeDetail(entry: AuditEntry): string {
  const reason = entry.detail.reason;
  if (typeof reason === 'string') return `Reason: ${reason}`;
  return entry.endpoint;
}

function Filters({ initial, onApply }: { initial: AuditSearch; onApply: (s: AuditSearch) => void }) {
  const [search, setSearch] = useState(initial);
  const [problems, setProblems] = useState<FilterProblem[]>([]);
  const problemFor = (field: keyof AuditSearch) => problems.find((p) => p.field === field)?.text;
  const set = (field: keyof AuditSearch) => (value: string) => {
    setSearch((current) => ({ ...current, [field]: value }));
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const found = checkSearch(search);
    setProblems(found);
    if (found.length === 0) onApply(search);
  };
  const target = (field: keyof AuditSearch) =>
    field === 'from' || field === 'to' ? `#audit-${field}-day` : `#audit-${field}`;

  return (
    <form onSubmit={submit} noValidate role="search" aria-label="Audit log" data-testid="audit-filters">
      {problems.length > 0 && (
        <ErrorSummary errors={problems.map((p) => ({ text: p.text, href: target(p.field) }))} />
      )}
      <details className="nhsuk-details" open>
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">Filter the log</span>
        </summary>
        <div className="nhsuk-details__text">
          <TextInput id="audit-person" label="Person or record ID" hint="The ID of the person, assessment or other record" value={search.person} error={problemFor('person')} autoComplete="off" spellCheck={false} onChange={(e) => { set('person')(e.target.value); }} />
          <TextInput id="audit-actor" label="Who (user ID)" hint="The user ID of the member of staff, or a system's client ID" width={20} value={search.actor} autoComplete="off" spellCheck={false} onChange={(e) => { set('actor')(e.target.value); }} />
          <Select id="audit-action" label="Action" value={search.action} onChange={(e) => { set('action')(e.target.value); }} options={[{ value: '', label: 'Any action' }, ...ACTIONS.map((a) => ({ value: a, label: a }))]} />
          <Select id="audit-outcome" label="Outcome" value={search.outcome} onChange={(e) => { set('outcome')(e.target.value); }} options={[{ value: '', label: 'Allowed or refused' }, { value: 'allowed', label: 'Allowed' }, { value: 'refused', label: 'Refused attempts only' }]} />
          <DateInput id="audit-from" legend="From" hint="For example, 1 12 2026" value={search.from} error={problemFor('from')} onChange={set('from')} />
          <DateInput id="audit-to" legend="To" value={search.to} error={problemFor('to')} onChange={set('to')} />
          <div className="nhsuk-button-group">
            <Button type="submit">Apply filters</Button>
            <Button variant="secondary" onClick={() => { setSearch(NO_FILTERS); setProblems([]); onApply(NO_FILTERS); }}>
              Clear filters
            </Button>
          </div>
        </div>
      </details>
    </form>
  );
}

/** The organisation's audit log, newest first, with filters kept in the address. */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const search = readSearch(params);
  const valid = checkSearch(search).length === 0;
  const audit = useAudit(toFilters(search), valid);
  const nameOf = useStaffNames();
  const entries = (audit.data?.pages.flatMap((p) => p.items) ?? []).filter((e) =>
    onOrBefore(e.at, search.to),
  );
  const filterBy = (change: Partial<AuditSearch>) => paths.admin.audit.getHref(writeSearch({ ...search, ...change }));

  return (
    <>
      <BackToAdmin />
      <h1 className="nhsuk-heading-l">Audit log</h1>
      <p className="nhsuk-body">
        Every read and change of identifiable records in your organisation, every attempt that
        was refused, and every change to who may see what. Nothing in it can be changed or
        deleted, and reading it is recorded too.
      </p>
      <Filters
        key={params.toString()}
        initial={search}
        onApply={(next) => {
          setParams(writeSearch(next));
        }}
      />
      {valid && audit.isPending && <Loading label="Loading the audit log…" />}
      {audit.isError && <ProblemSummary error={audit.error} />}
      {audit.isSuccess && entries.length === 0 && (
        <p className="nhsuk-body" data-testid="audit-empty">
          No entries match these filters{audit.hasNextPage ? ' in the most recent entries' : ''}.
        </p>
      )}
      {entries.length > 0 && (
        <ResponsiveTable
          caption="Entries, newest first"
          testId="audit-table"
          columns={[
            { header: 'When', cell: (e: AuditEntry) => formatDateTime(e.at) },
            {
              header: 'Who',
              cell: (e: AuditEntry) => (
                <Link to={filterBy({ actor: e.actor_subject })}>
                  {nameOf(e.actor_subject) ?? (e.actor_kind === 'user' ? 'User' : 'System')}{' '}
                  ({e.actor_subject})
                </Link>
              ),
            },
            { header: 'Action', cell: (e: AuditEntry) => e.action },
            {
              header: 'Outcome',
              cell: (e: AuditEntry) =>
                e.outcome === 'refused' ? <Tag colour="red">Refused</Tag> : <Tag colour="green">Allowed</Tag>,
            },
            {
              header: 'Record',
              cell: (e: AuditEntry) =>
                e.entity_id === null ? (
                  e.entity_type
                ) : (
                  <Link to={filterBy({ person: e.entity_id })}>
                    {e.entity_type} {e.entity_id}
                  </Link>
                ),
            },
            { header: 'Detail', cell: describeDetail },
          ]}
          rows={entries}
          rowKey={(e) => String(e.id)}
        />
      )}
      {audit.hasNextPage && (
        <Button variant="secondary" disabled={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
          Show older entries
        </Button>
      )}
    </>
  );
}

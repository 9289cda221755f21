import { Link, useSearchParams } from 'react-router';

import { NotFoundOrNoAccess, ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import type { Me } from '@/lib/access';
import { isApiError } from '@/lib/api';
import {
  answerLabel,
  useInstrument,
  useInstruments,
  type InstrumentDefinition,
  type InstrumentSummary,
} from '@/lib/instruments';

import { useHeatAudit, type HeatAudit } from '../api/heat-assessments';
import { latestStandard } from '../lib/versions';
import { boardPaths, INSTRUMENTS } from '../paths';

function useLatest(instruments: readonly InstrumentSummary[] | undefined, instrument: string) {
  const latest = instruments && latestStandard(instruments, instrument);
  return useInstrument(
    latest && { instrument: latest.instrument, variant: latest.variant, version: latest.version },
  );
}

/**
 * The audit of HEAT use and impact across an organisation's projects and programmes: how
 * many were assessed, stages completed, reviews and actions, and the impact reported by
 * group (from each project's latest audit return). A commissioner picks a trust with
 * ?organisation=.
 */
export function HeatAuditPage({ me }: { me: Me }) {
  const [searchParams] = useSearchParams();
  const ods = searchParams.get('organisation') ?? me.organisation?.ods_code ?? '';
  const audit = useHeatAudit(ods);
  const instruments = useInstruments();
  const heat = useLatest(instruments.data, INSTRUMENTS.heat);
  const returns = useLatest(instruments.data, INSTRUMENTS.heatAudit);
  const title = `HEAT audit: use and impact (${ods})`;
  if (audit.isError && isApiError(audit.error, 404)) return <NotFoundOrNoAccess what="organisation" />;
  return (
    <>
      <PageTitle title={title} />
      <h1 className="nhsuk-heading-l">
        <span className="nhsuk-caption-m">Health Equity Assessment Tool</span>
        HEAT audit: use and impact
      </h1>
      <p className="nhsuk-body">Projects and programmes of {ods}.</p>
      {audit.isPending && <Loading label="Loading the audit…" />}
      {audit.isError && <ProblemSummary error={audit.error} />}
      {audit.isSuccess && (
        <AuditBody audit={audit.data} heat={heat.data} returns={returns.data} />
      )}
      <p className="nhsuk-body">
        <Link to={boardPaths.home.href()}>Back to Board and HEAT</Link>
      </p>
    </>
  );
}

function AuditBody({
  audit,
  heat,
  returns,
}: {
  audit: HeatAudit;
  heat: InstrumentDefinition | undefined;
  returns: InstrumentDefinition | undefined;
}) {
  if (audit.projects === 0) {
    return (
      <p className="nhsuk-body">
        No projects or programmes have been registered for HEAT yet.
      </p>
    );
  }
  const stageTitle = (id: string) => heat?.sections.find((s) => s.id === id)?.title ?? id;
  const groupItems = returns?.sections.flatMap((s) => s.items).filter((i) => i.id in audit.impact_by_group) ?? [];
  const groups = Object.keys(audit.impact_by_group).map((id) => ({
    id,
    label: (groupItems.find((i) => i.id === id)?.text ?? id).replace(/^Impact: /, ''),
  }));
  const answerCodes = [...new Set(Object.values(audit.impact_by_group).flatMap((c) => Object.keys(c)))];
  const figures = [
    ['Projects and programmes', audit.projects],
    ['Assessed with HEAT', audit.projects_assessed],
    ['Assessments submitted', audit.assessments_submitted],
    ['Assessments in draft', audit.assessments_in_draft],
    ['Reviews done', audit.reviews.done],
    ['Reviews due', audit.reviews.due],
    ['Reviews overdue', audit.reviews.overdue],
    ['Actions taken', audit.actions.taken],
    ['Actions done', audit.actions.done],
    ['Actions open', audit.actions.open],
    ['Actions overdue', audit.actions.overdue],
  ] as const;
  return (
    <>
      <h2 className="nhsuk-heading-m">Use of HEAT</h2>
      <ResponsiveTable
        caption="How HEAT is used across the projects"
        testId="audit-figures"
        firstCellIsHeader
        rows={figures}
        rowKey={([label]) => label}
        columns={[
          { header: 'Measure', cell: ([label]) => label },
          { header: 'Number', cell: ([, value]) => String(value), numeric: true },
        ]}
      />
      <ResponsiveTable
        caption="Projects whose latest assessment completed each stage"
        testId="audit-stages"
        firstCellIsHeader
        rows={Object.entries(audit.stages_completed)}
        rowKey={([stage]) => stage}
        columns={[
          { header: 'Stage', cell: ([stage]) => stageTitle(stage) },
          { header: 'Projects', cell: ([, count]) => String(count), numeric: true },
        ]}
      />
      <h2 className="nhsuk-heading-m">Impact reported by group</h2>
      {groups.length === 0 || answerCodes.length === 0 ? (
        <p className="nhsuk-body">No HEAT audit return has reported impact yet.</p>
      ) : (
        <ResponsiveTable
          caption="Projects reporting each impact, by group (latest audit return of each project)"
          testId="audit-impact"
          firstCellIsHeader
          rows={groups}
          rowKey={(group) => group.id}
          columns={[
            { header: 'Group', cell: (group) => group.label },
            ...answerCodes.map((code) => ({
              header: returns && groups[0] ? answerLabel(returns, groups[0].id, code) : code,
              cell: (group: (typeof groups)[number]) => String(audit.impact_by_group[group.id]?.[code] ?? 0),
              numeric: true,
            })),
          ]}
        />
      )}
    </>
  );
}

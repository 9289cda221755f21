import { Link } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { Tag } from '@/components/ui/tag';
import type { Me } from '@/lib/access';
import { formatDate } from '@/lib/format';

import { useOrgAssessments, useProjects, type OrgAssessmentSummary } from '../api/assessments';
import { changesBoardRecords } from '../lib/access';
import { statusLabel } from '../lib/labels';
import { boardPaths, INSTRUMENTS, type InstrumentId } from '../paths';

const SECTIONS: { instrument: InstrumentId; title: string; about: string; start: string }[] = [
  {
    instrument: INSTRUMENTS.selfAssessment,
    title: 'Board self-assessment',
    about:
      'NHS Providers’ self-assessment on health inequalities: a maturity level for each of four domains, with suggested objectives. Repeat it each year to see progress.',
    start: 'Start a board self-assessment',
  },
  {
    instrument: INSTRUMENTS.assurance,
    title: 'Board assurance scorecard',
    about:
      'NHS Confederation’s board assurance tool: the 8 well-led key lines of enquiry against the 5 national priorities, each cell rated with its evidence.',
    start: 'Start a scorecard',
  },
  {
    instrument: INSTRUMENTS.heat,
    title: 'Health Equity Assessment Tool (HEAT)',
    about:
      'Assess a project or programme through HEAT’s four stages, with actions and a review 6 to 12 months on.',
    start: 'Start a HEAT assessment',
  },
  {
    instrument: INSTRUMENTS.heatAudit,
    title: 'HEAT audit returns',
    about: 'Each project’s return on its use of HEAT and the impact it reported, by group.',
    start: 'Start a HEAT audit return',
  },
];

/**
 * Board and HEAT: the organisation's board self-assessments, scorecards and HEAT
 * assessments (a commissioner sees its trusts'), each with a way to start one.
 */
export function BoardHome({ me }: { me: Me }) {
  const assessments = useOrgAssessments();
  const projects = useProjects();
  const changes = changesBoardRecords(me);
  const own = me.organisation?.ods_code;
  const organisations = [...new Set((assessments.data ?? []).map((a) => a.organisation_code))];
  const severalOrganisations = organisations.some((code) => code !== own);
  const projectName = (a: OrgAssessmentSummary) =>
    projects.data?.find((p) => p.id === a.project_id)?.name ?? 'A project';

  return (
    <>
      <PageTitle title="Board and HEAT" />
      <h1 className="nhsuk-heading-l">Board and HEAT</h1>
      <p className="nhsuk-lede-text">
        {changes
          ? `Health inequalities at board level for ${me.organisation?.name ?? own ?? 'your organisation'}.`
          : 'The board records of the organisations you commission, read only.'}
      </p>
      <div className="nhsuk-inset-text">
        <span className="nhsuk-u-visually-hidden">Information: </span>
        <p>
          Want to try the self-assessment without recording anything?{' '}
          <Link to={boardPaths.private.href()}>Use the board self-assessment in private</Link>{' '}
          (nothing is stored).
        </p>
      </div>
      {assessments.isPending && <Loading label="Loading the board records…" />}
      {assessments.isError && <ProblemSummary error={assessments.error} />}
      {SECTIONS.map((section) => {
        const rows = (assessments.data ?? []).filter((a) => a.instrument === section.instrument);
        const aboutProject = section.instrument === INSTRUMENTS.heat || section.instrument === INSTRUMENTS.heatAudit;
        return (
          <section key={section.instrument} aria-labelledby={`${section.instrument}-heading`}>
            <h2 className="nhsuk-heading-m" id={`${section.instrument}-heading`}>
              {section.title}
            </h2>
            <p className="nhsuk-body">{section.about}</p>
            {changes && (
              <p className="nhsuk-body">
                <Link
                  className="nhsuk-button nhsuk-button--secondary"
                  to={boardPaths.start.href(section.instrument)}
                  data-testid={`start-${section.instrument}`}
                >
                  {section.start}
                </Link>
              </p>
            )}
            {assessments.isSuccess && rows.length === 0 && (
              <p className="nhsuk-body">None recorded yet.</p>
            )}
            {rows.length > 0 && (
              <ResponsiveTable
                caption={`${section.title}: newest first`}
                captionHidden
                testId={`list-${section.instrument}`}
                rows={rows}
                rowKey={(a) => a.id}
                columns={[
                  {
                    header: 'Assessed on',
                    cell: (a) => (
                      <Link to={boardPaths.assessment.href(a.id)}>
                        {formatDate(a.assessed_on)}
                        <span className="nhsuk-u-visually-hidden">
                          {' '}
                          ({section.title}
                          {aboutProject ? `, ${projectName(a)}` : ''}, {statusLabel(a.status)})
                        </span>
                      </Link>
                    ),
                  },
                  ...(aboutProject
                    ? [{ header: 'Project or programme', cell: (a: OrgAssessmentSummary) => projectName(a) }]
                    : []),
                  ...(severalOrganisations
                    ? [{ header: 'Organisation', cell: (a: OrgAssessmentSummary) => a.organisation_code }]
                    : []),
                  {
                    header: 'Status',
                    cell: (a) => (
                      <Tag colour={a.status === 'draft' ? 'grey' : 'blue'}>{statusLabel(a.status)}</Tag>
                    ),
                  },
                  ...(section.instrument === INSTRUMENTS.heat
                    ? [
                        {
                          header: 'Review due',
                          cell: (a: OrgAssessmentSummary) =>
                            a.review_due_on ? formatDate(a.review_due_on) : 'Not set',
                        },
                      ]
                    : []),
                ]}
              />
            )}
          </section>
        );
      })}
      <section aria-labelledby="heat-audit-heading">
        <h2 className="nhsuk-heading-m" id="heat-audit-heading">
          HEAT audit
        </h2>
        <ul className="nhsuk-list">
          {(changes || organisations.length === 0 ? [own ?? ''] : organisations)
            .filter((code) => code !== '')
            .map((code) => (
              <li key={code}>
                <Link
                  to={
                    code === own
                      ? boardPaths.heatAudit.href()
                      : `${boardPaths.heatAudit.href()}?organisation=${encodeURIComponent(code)}`
                  }
                >
                  HEAT use and impact across the projects of {code}
                </Link>
              </li>
            ))}
        </ul>
      </section>
    </>
  );
}

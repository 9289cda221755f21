import { Link } from 'react-router';

import { ChartWithTable } from '@/components/charts';
import { NotFoundOrNoAccess, ProblemSummary } from '@/components/errors';
import { Loading } from '@/components/ui/loading';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api';
import { capitalise, type InstrumentDefinition } from '@/lib/instruments';

import { usePersonAssessments, type SuggestedAction } from '../api/get-person-assessments';
import {
  itemChanges,
  type ItemChanges,
  describeChange,
  headlineRule,
  overallFigures,
  sectionFigures,
  type SectionFigures,
} from '../lib/figures';

import { DownloadPdf } from './download-pdf';


type PersonProfileProps = {
  personId: string;
  assessmentId: string;
  /** draft or submitted: a draft has no profile yet. */
  assessmentStatus: string;
  definition: InstrumentDefinition;
};

function formatDate(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(date.getTime())
    ? isoDate
    : date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/**
 * A person's profile for one instrument: the latest submitted scores per section (for HEF,
 * the five determinants) as a chart with the same figures in a table, change since the
 * first and the previous assessment, and suggested actions. Change is descriptive.
 */
export function PersonProfile({ personId, assessmentId, assessmentStatus, definition }: PersonProfileProps) {
  const history = usePersonAssessments(personId);
  const sectionWord = capitalise(definition.terms.section);

  if (history.isPending) return <Loading label="Loading the profile…" />;
  if (history.isError) {
    return isApiError(history.error, 404) ? (
      <NotFoundOrNoAccess what="profile" />
    ) : (
      <ProblemSummary error={history.error} />
    );
  }
  if (assessmentStatus !== 'submitted') {
    return (
      <p className="nhsuk-body" data-testid="profile-empty">
        This assessment is a draft, so it has no profile yet.{' '}
        <Link to={paths.assessments.detail.getHref(assessmentId)}>Continue the assessment</Link>{' '}
        and submit it to see the profile.
      </p>
    );
  }
  const profile = history.data.profiles.find(
    (p) => p.instrument === definition.instrument && p.variant === definition.variant,
  );
  if (profile === undefined) {
    return (
      <p className="nhsuk-body" data-testid="profile-empty">
        There is no submitted {definition.title} for this person yet.
      </p>
    );
  }
  const figures = sectionFigures(
    definition,
    profile.scores,
    profile.change_since_first,
    profile.change_since_previous,
  );
  const headline = headlineRule(definition);
  const rules = definition.scoring?.section_scores ?? [];
  const count = history.data.assessments.filter(
    (a) => a.status === 'submitted' && a.instrument === profile.instrument && a.variant === profile.variant,
  ).length;
  const changedItems = itemChanges(
    definition,
    profile.change_since_first,
    profile.change_since_previous,
  );
  const changeWords = (label: string | null) =>
    label === null ? 'No earlier assessment' : label === 'not_comparable' ? 'Cannot be compared' : capitalise(label);

  return (
    <>
      {profile.latest.id !== assessmentId && (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>
            This is the person&apos;s latest profile, from the assessment of{' '}
            {formatDate(profile.latest.assessed_on)}.{' '}
            <Link to={paths.assessments.detail.getHref(profile.latest.id)}>Open that assessment</Link>
          </p>
        </div>
      )}
      <p className="nhsuk-body">
        From the assessment of {formatDate(profile.latest.assessed_on)}, compared with{' '}
        {count > 1 ? `the first and previous of ${String(count)} submitted assessments` : 'nothing yet: this is the first submitted assessment'}.
        Higher figures mean more impact on the person&apos;s health. Change is a description,
        not a measured effect of care.
      </p>
      {profile.instrument === 'hef' && (
        // Reporting renders HEF profiles only.
        <DownloadPdf
          personId={personId}
          assessmentId={profile.latest.id}
          assessedOn={profile.latest.assessed_on}
        />
      )}
      {definition.status === 'provisional' && (
        <p className="nhsuk-body-s">
          This uses a provisional definition of {definition.title}: its wording, scores and
          suggested actions are not yet the licence holder&apos;s.
        </p>
      )}
      {headline && (
        <ChartWithTable
          title={`${headline.label} by ${definition.terms.section}`}
          valueLabel={headline.label}
          data={figures
            .filter((f) => f.scores[headline.id] != null)
            .map((f) => ({ label: f.section.title, value: f.scores[headline.id] ?? null }))}
          max={Math.max(0, ...figures.map((f) => f.headlineMax))}
          notes={[
            `Higher is more impact. The most each ${definition.terms.section} can score: ${figures
              .map((f) => `${f.section.title} ${String(f.headlineMax)}`)
              .join('; ')}.`,
            ...figures
              .filter((f) => f.scores[headline.id] == null)
              .map((f) => `${f.section.title}: not rated (every ${definition.terms.item} not assessed).`),
          ]}
        />
      )}
      <ResponsiveTable
        caption={`${sectionWord}s: levels and change`}
        firstCellIsHeader
        testId="profile-table"
        rows={figures}
        rowKey={(f: SectionFigures) => f.section.id}
        columns={[
          { header: sectionWord, cell: (f: SectionFigures) => f.section.title },
          ...rules.map((rule) => ({
            header: rule.label,
            numeric: true,
            cell: (f: SectionFigures) => (f.scores[rule.id] ?? 'Not rated').toString(),
          })),
          ...(definition.bands.some((b) => b.applies_to === 'section')
            ? [{ header: 'Level', cell: (f: SectionFigures) => f.band?.label ?? 'Not rated' }]
            : []),
          { header: 'Change since first', cell: (f: SectionFigures) => describeChange(f.sinceFirst) },
          {
            header: 'Change since previous',
            cell: (f: SectionFigures) => describeChange(f.sincePrevious),
          },
        ]}
      />
      <h2 className="nhsuk-heading-m">Overall</h2>
      <dl className="nhsuk-summary-list" data-testid="profile-overall">
        {overallFigures(definition, profile.scores).map((figure) => (
          <div className="nhsuk-summary-list__row" key={figure.id}>
            <dt className="nhsuk-summary-list__key">{figure.label}</dt>
            <dd className="nhsuk-summary-list__value">{figure.value ?? 'Not rated'}</dd>
          </div>
        ))}
      </dl>
      {changedItems.length > 0 && (
        <ResponsiveTable
          caption={`${capitalise(definition.terms.item)}s whose rating changed`}
          firstCellIsHeader
          testId="profile-item-changes"
          rows={changedItems}
          rowKey={(item: ItemChanges) => item.itemId}
          columns={[
            { header: capitalise(definition.terms.item), cell: (item: ItemChanges) => item.text },
            { header: sectionWord, cell: (item: ItemChanges) => item.sectionTitle },
            { header: 'Since first', cell: (item: ItemChanges) => changeWords(item.sinceFirst) },
            {
              header: 'Since previous',
              cell: (item: ItemChanges) => changeWords(item.sincePrevious),
            },
          ]}
        />
      )}
      <SuggestedActions actions={profile.suggested_actions} definition={definition} />
    </>
  );
}

function SuggestedActions({
  actions,
  definition,
}: {
  actions: readonly SuggestedAction[];
  definition: InstrumentDefinition;
}) {
  return (
    <>
      <h2 className="nhsuk-heading-m">Suggested actions</h2>
      {actions.length === 0 ? (
        <p className="nhsuk-body">No actions are suggested from this assessment.</p>
      ) : (
        definition.sections
          .filter((section) => actions.some((a) => a.section_id === section.id))
          .map((section) => (
            <section key={section.id} aria-labelledby={`actions-${section.id}`}>
              <h3 className="nhsuk-heading-s" id={`actions-${section.id}`}>
                {section.title}
              </h3>
              <ul className="nhsuk-list nhsuk-list--bullet" data-testid="suggested-actions">
                {actions
                  .filter((a) => a.section_id === section.id)
                  .map((action) => (
                    <li key={`${action.item_id ?? ''}-${action.text}`}>
                      {action.priority && <strong>Priority: </strong>}
                      {action.text}
                      {action.item_id && (
                        <span className="nhsuk-body-s">
                          {' '}
                          (
                          {section.items.find((item) => item.id === action.item_id)?.text ??
                            action.item_id}
                          )
                        </span>
                      )}
                    </li>
                  ))}
              </ul>
            </section>
          ))
      )}
      <p className="nhsuk-body-s">
        Suggestions are prompts for care planning, not clinical advice.
      </p>
    </>
  );
}

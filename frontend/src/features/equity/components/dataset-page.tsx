import { NotFoundOrNoAccess, ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Loading } from '@/components/ui/loading';
import type { Me } from '@/lib/access';
import { isApiError } from '@/lib/api';

import { useDataset } from '../api/datasets';
import type { Dataset } from '../api/types';
import type { Section } from '../paths';

import { CompletenessSection } from './completeness-section';
import { DatasetLayout } from './dataset-layout';
import { EngagementSection } from './engagement-section';
import { EvaluationSection } from './evaluation-section';
import { OverviewSection } from './overview-section';
import { PlanSection } from './plan-section';
import { RepresentationSection } from './representation-section';

function SectionBody({ me, dataset, section }: { me: Me; dataset: Dataset; section: Section }) {
  switch (section) {
    case 'overview':
      return <OverviewSection me={me} dataset={dataset} />;
    case 'completeness':
      return <CompletenessSection dataset={dataset} />;
    case 'representation':
      return <RepresentationSection dataset={dataset} />;
    case 'engagement':
      return <EngagementSection dataset={dataset} />;
    case 'evaluation':
      return <EvaluationSection dataset={dataset} />;
    case 'plan':
      return <PlanSection dataset={dataset} />;
  }
}

type DatasetPageProps = { me: Me; datasetId: number | null; section: Section };

/** One dataset's page: loading, not found (or not yours to read), an error, or the page. */
export function DatasetPage({ me, datasetId, section }: DatasetPageProps) {
  const dataset = useDataset(datasetId);
  if (datasetId === null || isApiError(dataset.error, 404)) return <NotFoundOrNoAccess what="dataset" />;
  if (dataset.isPending) return <Loading label="Loading the dataset…" />;
  if (dataset.isError) {
    const forbidden = isApiError(dataset.error, 403);
    const title = forbidden ? 'You do not have access to service equity figures' : 'Sorry, there is a problem';
    return (
      <>
        <PageTitle title={title} />
        <h1 className="nhsuk-heading-l">{title}</h1>
        <ProblemSummary error={dataset.error} title={forbidden ? 'You do not have access to this dataset' : undefined} />
      </>
    );
  }
  return (
    <DatasetLayout dataset={dataset.data} section={section}>
      <SectionBody me={me} dataset={dataset.data} section={section} />
    </DatasetLayout>
  );
}

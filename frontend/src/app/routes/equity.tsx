import { Route, Routes, useParams } from 'react-router';

import { NotFoundOrNoAccess } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { DatasetPage } from '@/features/equity/components/dataset-page';
import { DatasetsPage } from '@/features/equity/components/datasets-page';
import { ReferenceDataPage } from '@/features/equity/components/reference-data-page';
import { datasetIdFrom, SECTIONS, type Section } from '@/features/equity/paths';
import { administers, seesServiceEquity, type Me } from '@/lib/access';

import { Guard } from './guard';

function Dataset({ me, section }: { me: Me; section: Section }) {
  const { datasetId } = useParams();
  const id = datasetIdFrom(datasetId);
  return <DatasetPage key={String(id)} me={me} datasetId={id} section={section} />;
}

// An organisation administrator may keep a trust's activity data (decision 0032) though the
// menu offers service equity to aggregate readers only: the page lets them in by address.
const usesServiceEquity = (me: Me) => seesServiceEquity(me) || administers(me);

// Service equity (issue 22): the datasets, the reference data they are compared with, then
// each dataset's pages (features/equity/paths).
export default function EquityRoute() {
  return (
    <Guard allowed={usesServiceEquity}>
      {(me) => (
        <Routes>
          <Route
            index
            element={
              <>
                <PageTitle title="Service equity" />
                <DatasetsPage me={me} />
              </>
            }
          />
          <Route
            path="reference-data"
            element={
              <>
                <PageTitle title="Reference data – Service equity" />
                <ReferenceDataPage me={me} />
              </>
            }
          />
          {SECTIONS.map((s) => (
            <Route
              key={s.value}
              path={s.path === '' ? 'datasets/:datasetId' : `datasets/:datasetId/${s.path}`}
              element={<Dataset me={me} section={s.value} />}
            />
          ))}
          <Route path="*" element={<NotFoundOrNoAccess what="page" />} />
        </Routes>
      )}
    </Guard>
  );
}

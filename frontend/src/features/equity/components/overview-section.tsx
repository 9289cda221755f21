import type { Me } from '@/lib/access';
import { formatDate, formatDateTime } from '@/lib/format';

import type { Dataset } from '../api/types';
import { plusGroupLabel } from '../lib/labels';
import { unitName } from '../lib/units';

import { UploadFile } from './upload-file';

function Row({ term, children }: { term: string; children: string }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{term}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

/** The dataset's details, and uploading its records (for those who keep its data). */
export function OverviewSection({ me, dataset }: { me: Me; dataset: Dataset }) {
  const records =
    dataset.records === null
      ? 'Fewer than 8'
      : dataset.records === 0
        ? 'None yet'
        : `About ${dataset.records.toLocaleString('en-GB')} (rounded to 5)`;
  const period =
    dataset.first_referral === null || dataset.last_referral === null
      ? 'No records yet'
      : `${formatDate(dataset.first_referral)} to ${formatDate(dataset.last_referral)}`;
  return (
    <>
      <dl className="nhsuk-summary-list" data-testid="dataset-details">
        <Row term="Team or organisation">{unitName(me, dataset.unit_code)}</Row>
        <Row term="Activity records">{records}</Row>
        <Row term="Referrals">{period}</Row>
        <Row term="PLUS groups">
          {dataset.plus_groups.length === 0 ? 'None chosen' : dataset.plus_groups.map(plusGroupLabel).join(', ')}
        </Row>
        <Row term="Created">{formatDateTime(dataset.created_at)}</Row>
      </dl>
      {dataset.may_upload ? (
        <UploadFile datasetId={dataset.id} />
      ) : (
        <p className="nhsuk-body">
          You can read this dataset’s figures. Records are uploaded by the team’s lead, or by an
          analyst or administrator of the trust that provides the service.
        </p>
      )}
    </>
  );
}

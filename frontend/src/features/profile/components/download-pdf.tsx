import { ProblemSummary } from '@/components/errors';
import { saveFile } from '@/lib/save-file';

import { useDownloadHefProfilePdf } from '../api/download-hef-profile-pdf';

type DownloadPdfProps = {
  personId: string;
  /** The submitted assessment the profile shows. */
  assessmentId: string;
  assessedOn: string;
};

/** "Download the profile (PDF)": fetched with the user's token, then saved by the browser. */
export function DownloadPdf({ personId, assessmentId, assessedOn }: DownloadPdfProps) {
  const download = useDownloadHefProfilePdf(personId, assessmentId);
  const href = `/api/reporting/people/${encodeURIComponent(personId)}/hef-profile.pdf?assessment=${encodeURIComponent(assessmentId)}`;
  return (
    <div className="nhsuk-u-margin-bottom-5">
      <p className="nhsuk-body nhsuk-u-margin-bottom-1">
        <a
          href={href}
          onClick={(event) => {
            event.preventDefault();
            if (download.isPending) return;
            download.mutate(undefined, {
              onSuccess: (blob) => {
                saveFile(blob, `hef-profile-${assessedOn}.pdf`);
              },
            });
          }}
        >
          Download the profile (PDF) for the care record
        </a>
      </p>
      <p className="nhsuk-body-s" role="status">
        {download.isPending ? 'Preparing the PDF…' : ''}
        {download.isSuccess ? 'The PDF has been downloaded.' : ''}
      </p>
      {download.isError && (
        <ProblemSummary error={download.error} title="The PDF could not be made" />
      )}
    </div>
  );
}

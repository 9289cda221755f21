import { useMutation } from '@tanstack/react-query';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { saveFile } from '@/lib/save-file';

/** "Download … (PDF)": made by the reporting service with the user's token, then saved. */
export function DownloadReport({
  label,
  fileName,
  fetchPdf,
}: {
  label: string;
  fileName: string;
  fetchPdf: () => Promise<Blob>;
}) {
  const download = useMutation({ mutationFn: fetchPdf });
  return (
    <div className="nhsuk-u-margin-bottom-5">
      <Button
        variant="secondary"
        disabled={download.isPending}
        onClick={() => {
          download.mutate(undefined, {
            onSuccess: (blob) => {
              saveFile(blob, fileName);
            },
          });
        }}
      >
        {label}
      </Button>
      <p className="nhsuk-body-s" role="status">
        {download.isPending ? 'Preparing the PDF…' : ''}
        {download.isSuccess ? 'The PDF has been downloaded.' : ''}
      </p>
      {download.isError && <ProblemSummary error={download.error} title="The PDF could not be made" />}
    </div>
  );
}

import { PageTitle } from '@/components/seo/page-title';

// Placeholder until the assessments feature lands (issue 19).
export default function Route() {
  return (
    <>
      <PageTitle title="Assessment" />
      <h1 className="nhsuk-heading-l">Assessment</h1>
    </>
  );
}

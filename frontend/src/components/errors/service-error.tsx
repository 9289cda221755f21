import { PageTitle } from '@/components/seo/page-title';

/** The NHS.UK "there is a problem with the service" page body. */
export function ServiceError() {
  return (
    <>
      <PageTitle title="Sorry, there is a problem with the service" />
      <h1 className="nhsuk-heading-l">Sorry, there is a problem with the service</h1>
      <p className="nhsuk-body">Try again later.</p>
      <p className="nhsuk-body">
        <a href="/">Go to the Equitas homepage</a>
      </p>
    </>
  );
}

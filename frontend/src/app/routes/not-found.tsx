import { Link } from 'react-router';

import { PageTitle } from '@/components/seo/page-title';
import { paths } from '@/config/paths';

export default function NotFoundRoute() {
  return (
    <>
      <PageTitle title="Page not found" />
      <h1 className="nhsuk-heading-l">Page not found</h1>
      <p className="nhsuk-body">If you typed the web address, check it is correct.</p>
      <p className="nhsuk-body">If you pasted the web address, check you copied the entire address.</p>
      <p className="nhsuk-body">
        <Link to={paths.home.getHref()}>Go to the Equitas homepage</Link>
      </p>
    </>
  );
}

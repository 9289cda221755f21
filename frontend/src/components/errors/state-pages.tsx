import { Link } from 'react-router';

import { PageTitle } from '@/components/seo/page-title';
import { paths } from '@/config/paths';

/** Someone signed in, but their role does not allow this page. */
export function Forbidden() {
  return (
    <>
      <PageTitle title="You do not have access to this page" />
      <h1 className="nhsuk-heading-l">You do not have access to this page</h1>
      <p className="nhsuk-body">Your role does not include this part of Equitas.</p>
      <p className="nhsuk-body">
        If you need it for your work, ask the Equitas administrator in your organisation.
      </p>
      <p className="nhsuk-body">
        <Link to={paths.home.getHref()}>Go to your account</Link>
      </p>
    </>
  );
}

/**
 * What a person another team cares for looks like to someone without access: the same
 * page as for an id that does not exist, so the page itself says nothing about who is
 * known to the trust (the API answers 404 for both).
 */
export function NotFoundOrNoAccess({ what = 'person' }: { what?: string }) {
  const title = `This ${what} was not found, or you do not have access`;
  return (
    <>
      <PageTitle title={title} />
      <h1 className="nhsuk-heading-l">{title}</h1>
      <p className="nhsuk-body">
        The address may be wrong, the record may have been removed, or it belongs to a team
        you are not in.
      </p>
      {what === 'person' ? (
        <>
          <p className="nhsuk-body">
            If another team cares for this person and you need to see their record, add them
            by NHS number on your caseload page and give a reason. Your request is recorded
            and shown to that team&apos;s lead.
          </p>
          <p className="nhsuk-body">
            <Link to={paths.caseload.getHref()}>Go to your caseload</Link>
          </p>
        </>
      ) : (
        <p className="nhsuk-body">
          <Link to={paths.home.getHref()}>Go to your account</Link>
        </p>
      )}
    </>
  );
}

import { useState, type ReactNode } from 'react';

import { Forbidden, NotFoundOrNoAccess, ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Button } from '@/components/ui/button';
import { Loading } from '@/components/ui/loading';
import { isApiError } from '@/lib/api';

import { usePerson, type PersonRead, type PersonWithEtag } from '../api/get-person';

import { CorrectDetails } from './correct-details';
import { Demographics } from './demographics';
import { Timeline } from './timeline';

type PersonPageProps = {
  personId: string;
  canCorrect: boolean;
  canAssess: boolean;
  /** More things to do with this person (e.g. taking them off a caseload). */
  actions?: (person: PersonRead) => ReactNode;
};

/** A person: demographics and where each came from, corrections, and their assessments. */
export function PersonPage({ personId, canCorrect, canAssess, actions }: PersonPageProps) {
  const person = usePerson(personId);
  const [editing, setEditing] = useState<PersonWithEtag | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  if (person.isPending) {
    return (
      <>
        <PageTitle title="Person" />
        <h1 className="nhsuk-heading-l">Person</h1>
        <Loading label="Loading their details…" />
      </>
    );
  }
  if (person.isError) {
    // The API answers 404 both for no such person and for one the caller may not see.
    if (isApiError(person.error, 404) || isApiError(person.error, 422)) {
      return <NotFoundOrNoAccess />;
    }
    if (isApiError(person.error, 403)) return <Forbidden />;
    return (
      <>
        <PageTitle title="Person" />
        <h1 className="nhsuk-heading-l">Person</h1>
        <ProblemSummary error={person.error} />
      </>
    );
  }

  const { person: record } = person.data;
  const name = `${record.given_name} ${record.family_name}`;
  return (
    <>
      <PageTitle title={name} />
      <h1 className="nhsuk-heading-l" data-testid="person-name">
        <span className="nhsuk-caption-l">Person</span> {name}
      </h1>
      {message !== null && (
        <div className="nhsuk-inset-text" role="status">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>{message}</p>
        </div>
      )}
      {editing === null ? (
        <>
          <h2 className="nhsuk-heading-m">Their details</h2>
          <Demographics person={record} />
          {canCorrect && (
            <Button
              variant="secondary"
              onClick={() => {
                setMessage(null);
                setEditing(person.data);
              }}
            >
              Correct their details
            </Button>
          )}
        </>
      ) : (
        <CorrectDetails
          opened={editing}
          onDone={(text) => {
            setEditing(null);
            setMessage(text);
          }}
          onCancel={() => {
            setEditing(null);
          }}
        />
      )}
      <Timeline personId={personId} canAssess={canAssess} />
      {actions?.(record)}
    </>
  );
}

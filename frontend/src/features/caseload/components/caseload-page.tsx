import { useState, type SyntheticEvent } from 'react';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Select, TextInput } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import type { Me } from '@/lib/access';

import { useCaseload, type CaseloadQuery } from '../api/get-caseload';
import { parseSearch } from '../lib/search-terms';

import { AddToCaseload } from './add-to-caseload';
import { CaseloadTable } from './caseload-table';

const ALL_TEAMS = '';

type CaseloadPageProps = { teams: Me['teams'] };

/** "Your caseload": search it, see who is due a review, add someone by NHS number. */
export function CaseloadPage({ teams }: CaseloadPageProps) {
  const [text, setText] = useState('');
  const [team, setTeam] = useState(ALL_TEAMS);
  const [query, setQuery] = useState<CaseloadQuery>({});
  const [searchError, setSearchError] = useState<string | undefined>();
  const caseload = useCaseload(query);

  const search = (event: SyntheticEvent) => {
    event.preventDefault();
    const terms = parseSearch(text);
    if ('error' in terms) {
      setSearchError(terms.error);
      return;
    }
    setSearchError(undefined);
    setQuery({ ...terms, team: team === ALL_TEAMS ? undefined : team });
  };
  const clear = () => {
    setText('');
    setSearchError(undefined);
    setQuery({ team: team === ALL_TEAMS ? undefined : team });
  };

  const people = caseload.data?.pages.flatMap((page) => page.items) ?? [];
  const searching = query.name !== undefined || query.nhsNumber !== undefined;

  return (
    <>
      <h1 className="nhsuk-heading-l">Your caseload</h1>
      {searchError !== undefined && (
        <ErrorSummary errors={[{ text: searchError, href: '#caseload-search' }]} />
      )}
      <form onSubmit={search} role="search" aria-label="Your caseload" noValidate>
        <TextInput
          id="caseload-search"
          label="Search your caseload by name or NHS number"
          hint="For example, Patel or 999 123 4567"
          error={searchError}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
          }}
          autoComplete="off"
          spellCheck={false}
        />
        {teams.length > 1 && (
          <Select
            id="caseload-team"
            label="Team"
            value={team}
            onChange={(e) => {
              setTeam(e.target.value);
            }}
            options={[
              { value: ALL_TEAMS, label: 'All my teams' },
              ...teams.map((t) => ({ value: t.code, label: t.name })),
            ]}
          />
        )}
        <div className="nhsuk-button-group">
          <Button type="submit">Search</Button>
          {searching && (
            <Button variant="secondary" onClick={clear}>
              Show everyone
            </Button>
          )}
        </div>
      </form>

      {caseload.isPending && <Loading label="Loading your caseload…" />}
      {caseload.isError && <ProblemSummary error={caseload.error} />}
      {caseload.isSuccess && people.length === 0 && (
        <p className="nhsuk-body" data-testid="caseload-empty">
          {searching
            ? 'No one on your caseload matches your search. Check the spelling or the NHS number, or add them below.'
            : 'No one is on your teams’ caseloads yet. Add someone by their NHS number below.'}
        </p>
      )}
      {people.length > 0 && (
        <CaseloadTable
          people={people}
          teamName={(code) => teams.find((t) => t.code === code)?.name ?? code}
          caption={searching ? 'People matching your search' : 'People on your teams’ caseloads'}
        />
      )}
      {caseload.hasNextPage && (
        <Button
          variant="secondary"
          onClick={() => void caseload.fetchNextPage()}
          disabled={caseload.isFetchingNextPage}
        >
          Show more people
        </Button>
      )}

      <AddToCaseload teams={teams} />
    </>
  );
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';

import './organisational.scss';

import { ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Button } from '@/components/ui/button';
import { Loading } from '@/components/ui/loading';
import { useApiClients } from '@/lib/api';
import { useAuth } from '@/lib/auth';
import { useInstrument, useInstruments } from '@/lib/instruments';

import { getPrivateResults, type PrivateResults } from '../api/board';
import { downloadPrivateReport } from '../api/reports';
import { codeFromFragment, PRIVATE_PATH, privateLink } from '../lib/private-link';
import { latestStandard } from '../lib/versions';
import { INSTRUMENTS } from '../paths';

import { AnswersBySection } from './answers-by-section';
import { BoardResultsView } from './board-results-view';
import { DownloadReport } from './download-report';
import { OrganisationalForm } from './organisational-form';

// Results live in this tab's memory only (never in storage): the link is the only copy.
const privateKey = (code: string) => ['scoring', 'private', 'board-self-assessment', code] as const;

const NOTHING_STORED = (
  <div className="nhsuk-inset-text">
    <span className="nhsuk-u-visually-hidden">Information: </span>
    <p>
      Private mode: nothing you answer is stored by Equitas. Your answers stay in this browser
      tab until you see your results, which come with a link that brings them back. If you
      leave or reload this page before then, your answers are lost.
    </p>
  </div>
);

/**
 * The board self-assessment with nothing stored (decision 0031). Opened with a link
 * (/board/private#code=...), it regenerates that session's results; the code is in the
 * fragment, which the browser never sends, and is posted in a request body.
 */
export function PrivateSelfAssessment() {
  const location = useLocation();
  const code = codeFromFragment(location.hash);
  return code === null ? <PrivateQuestions /> : <PrivateResultsPage code={code} />;
}

function PrivateQuestions() {
  const { status, user, login } = useAuth();
  if (status === 'loading') return <Loading />;
  if (user === null) {
    return (
      <>
        <PageTitle title="Board self-assessment in private" />
        <h1 className="nhsuk-heading-l">Board self-assessment in private</h1>
        <p className="nhsuk-body">
          Try the board self-assessment on health inequalities without recording anything.
          Your answers are not stored; you get your results and a link that brings them back.
        </p>
        <p className="nhsuk-body">
          Log in to answer the questions. If someone sent you a link to their results, open
          the whole link: it shows the results without logging in.
        </p>
        <Button
          variant="login"
          onClick={() => {
            void login(PRIVATE_PATH);
          }}
        >
          Log in
        </Button>
      </>
    );
  }
  return <PrivateForm />;
}

function PrivateForm() {
  const instruments = useInstruments();
  const latest = instruments.data && latestStandard(instruments.data, INSTRUMENTS.selfAssessment);
  const definition = useInstrument(
    latest && { instrument: latest.instrument, variant: latest.variant, version: latest.version },
  );
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const failed = instruments.error ?? definition.error;
  if (failed) {
    return (
      <>
        <PageTitle title="The board self-assessment could not be shown" />
        <h1 className="nhsuk-heading-l">The board self-assessment could not be shown</h1>
        <ProblemSummary error={failed} />
      </>
    );
  }
  if (instruments.isSuccess && latest === undefined) {
    return (
      <>
        <PageTitle title="The board self-assessment is not available" />
        <h1 className="nhsuk-heading-l">The board self-assessment is not available</h1>
        <p className="nhsuk-body">This Equitas has no board self-assessment loaded.</p>
      </>
    );
  }
  if (!definition.isSuccess) return <Loading label="Loading the questions…" />;

  return (
    <OrganisationalForm
      definition={definition.data}
      initial={{ responses: {}, notes: {} }}
      intro={NOTHING_STORED}
      submitLabel="See your results"
      submit={async (draft) => {
        const results = await getPrivateResults(scoring, { responses: draft.responses });
        queryClient.setQueryData(privateKey(results.code), results);
        await navigate({ pathname: PRIVATE_PATH, search: '', hash: `code=${results.code}` });
      }}
      leave={
        <p className="nhsuk-body">
          <Link to="/board">Leave without saving (nothing is stored)</Link>
        </p>
      }
    />
  );
}

function PrivateResultsPage({ code }: { code: string }) {
  const { scoring } = useApiClients();
  const { user } = useAuth();
  const results = useQuery({
    queryKey: privateKey(code),
    queryFn: () => getPrivateResults(scoring, { code }),
    staleTime: Infinity,
    retry: false,
  });
  if (results.isPending) return <Loading label="Working out the results from your link…" />;
  if (results.isError) {
    return (
      <>
        <PageTitle title="This link cannot be opened" />
        <h1 className="nhsuk-heading-l">This link cannot be opened</h1>
        <ProblemSummary error={results.error} />
        <p className="nhsuk-body">
          Check the whole link was copied, including everything after the # sign.
        </p>
        <p className="nhsuk-body">
          <Link to={PRIVATE_PATH}>Start a new private self-assessment</Link>
        </p>
      </>
    );
  }
  return <PrivateResultsView results={results.data} signedIn={user !== null} />;
}

function PrivateResultsView({ results, signedIn }: { results: PrivateResults; signedIn: boolean }) {
  const link = privateLink(window.location.origin, results.code);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // Only the fragment changed (no new page for the layout to focus): say where we are.
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <>
      <PageTitle title="Your board self-assessment results (private)" />
      <h1 className="nhsuk-heading-l" ref={heading} tabIndex={-1}>
        <span className="nhsuk-caption-m">Board self-assessment in private</span>
        Your results
      </h1>
      <div className="nhsuk-inset-text">
        <span className="nhsuk-u-visually-hidden">Information: </span>
        <p>
          Nothing was stored. Keep this link: it is the only way back to these results.
          Anyone with the link can see the answers, so share it as you would a board paper.
        </p>
      </div>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label nhsuk-label--s" htmlFor="private-link">
          Link to these results
        </label>
        <textarea
          className="nhsuk-textarea equitas-board-note"
          id="private-link"
          data-testid="private-link"
          rows={3}
          readOnly
          value={link}
        />
      </div>
      <div className="equitas-button-row">
        <Button
          variant="secondary"
          onClick={() => {
            navigator.clipboard.writeText(link).then(
              () => {
                setCopied('yes');
              },
              () => {
                setCopied('no');
              },
            );
          }}
        >
          Copy the link
        </Button>
      </div>
      <p className="nhsuk-body" role="status">
        {copied === 'yes' && 'The link is copied.'}
        {copied === 'no' && 'The link could not be copied: select it above and copy it.'}
      </p>
      {signedIn && <PrivateReport code={results.code} />}
      <BoardResultsView results={results.results} />
      {signedIn && <PrivateAnswers responses={results.responses} version={results.results.instrument_version} />}
      <p className="nhsuk-body">
        <Link to={PRIVATE_PATH}>Start a new private self-assessment</Link>
      </p>
    </>
  );
}

/** The PDF with the link in it, made on the spot and kept nowhere (needs a login, 0039). */
function PrivateReport({ code }: { code: string }) {
  const { reporting } = useApiClients();
  return (
    <DownloadReport
      label="Download the results (PDF)"
      fileName="board-self-assessment-private.pdf"
      fetchPdf={() => downloadPrivateReport(reporting, code)}
    />
  );
}

/** The answers behind the results, in the questions' words (needs the definition: signed in). */
function PrivateAnswers({
  responses,
  version,
}: {
  responses: Readonly<Record<string, string>>;
  version: string;
}) {
  const definition = useInstrument({
    instrument: INSTRUMENTS.selfAssessment,
    variant: 'standard',
    version,
  });
  if (!definition.isSuccess) return null;
  return <AnswersBySection definition={definition.data} responses={responses} />;
}

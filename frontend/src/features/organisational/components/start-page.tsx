import { useQueryClient } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Button } from '@/components/ui/button';
import { DateInput } from '@/components/ui/date-input';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Select, Textarea, TextInput } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { useApiClients } from '@/lib/api';
import { todayInEngland } from '@/lib/format';
import { useInstrument, useInstruments } from '@/lib/instruments';

import {
  createOrgAssessment,
  createProject,
  organisationalKeys,
  useProjects,
  type OrgAssessmentCreate,
} from '../api/assessments';
import { latestStandard } from '../lib/versions';
import { boardPaths, INSTRUMENTS, type InstrumentId } from '../paths';

const NEW_PROJECT = 'new';
const TITLES: Record<InstrumentId, string> = {
  'board-self-assessment': 'Start a board self-assessment',
  'board-assurance': 'Start a board assurance scorecard',
  heat: 'Start a HEAT assessment',
  'heat-audit': 'Start a HEAT audit return',
};
// The service's rule: HEAT's review falls due 6 to 12 months on.
const REVIEW_MONTHS = [6, 7, 8, 9, 10, 11, 12].map((months) => ({
  value: String(months),
  label: `${String(months)} months`,
}));

type Errors = { date?: string; project?: string; name?: string };

/**
 * Start a draft: the date, and for HEAT and its audit the project or programme assessed
 * (one already registered, or a new one named here).
 */
export function StartPage({ instrument }: { instrument: InstrumentId }) {
  const aboutProject = instrument === INSTRUMENTS.heat || instrument === INSTRUMENTS.heatAudit;
  const [searchParams] = useSearchParams();
  const projects = useProjects(aboutProject);
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [assessedOn, setAssessedOn] = useState(todayInEngland());
  const [projectChoice, setProjectChoice] = useState(searchParams.get('project') ?? '');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'project' | 'programme'>('project');
  const [description, setDescription] = useState('');
  const [episodeChoice, setEpisode] = useState('');
  const [reviewMonths, setReviewMonths] = useState('12');
  const [errors, setErrors] = useState<Errors>({});
  const [attempt, setAttempt] = useState(0);
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const title = TITLES[instrument];
  // The episode types are the definition's own (HEAT: first assessment, review, ...).
  const instruments = useInstruments();
  const latest = instruments.data && latestStandard(instruments.data, instrument);
  const definition = useInstrument(
    latest && { instrument: latest.instrument, variant: latest.variant, version: latest.version },
  );
  const episodes = (definition.data?.episode_types ?? []).map((e) => ({
    value: e.code,
    label: e.label,
  }));

  const failed = (aboutProject ? projects.error : null) ?? instruments.error ?? definition.error;
  if (failed) {
    return (
      <>
        <PageTitle title={title} />
        <h1 className="nhsuk-heading-l">{title}</h1>
        <ProblemSummary error={failed} />
      </>
    );
  }
  if ((aboutProject && projects.isPending) || !definition.isSuccess) {
    return <Loading label="Loading…" />;
  }
  const known = projects.data ?? [];
  const choice = projectChoice || (known.length === 0 ? NEW_PROJECT : '');
  // A review of a project already assessed (the HEAT page links here with ?project=).
  const suggested = searchParams.get('project') ? 'review' : episodes[0]?.value;
  const episode =
    episodeChoice || ((episodes.some((e) => e.value === suggested) ? suggested : episodes[0]?.value) ?? '');

  const onSubmit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Errors = {};
    if (assessedOn === '') found.date = 'Enter the date of the assessment as a real date';
    else if (assessedOn > todayInEngland()) found.date = 'The date of the assessment must be today or in the past';
    if (aboutProject && choice === '') found.project = 'Choose the project or programme assessed';
    if (aboutProject && choice === NEW_PROJECT && name.trim() === '') {
      found.name = 'Enter the name of the project or programme';
    }
    setErrors(found);
    setAttempt((n) => n + 1);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setProblem(null);
    try {
      const body: OrgAssessmentCreate = { instrument, variant: 'standard', assessed_on: assessedOn };
      if (aboutProject) {
        let projectId = choice;
        if (choice === NEW_PROJECT) {
          const project = await createProject(scoring, {
            kind,
            name: name.trim(),
            description: description.trim() || null,
          });
          projectId = project.id;
          void queryClient.invalidateQueries({ queryKey: organisationalKeys.projects(), exact: true });
        }
        body.project_id = projectId;
      }
      if (episode !== '') body.episode_type = episode;
      if (instrument === INSTRUMENTS.heat) body.review_in_months = Number(reviewMonths);
      const created = await createOrgAssessment(scoring, body);
      queryClient.setQueryData(organisationalKeys.one(created.id), created);
      void queryClient.invalidateQueries({ queryKey: organisationalKeys.list(), exact: true });
      await navigate(boardPaths.assessment.href(created.id));
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  };

  const errorList = [
    errors.date && { text: errors.date, href: '#assessed-on-day' },
    errors.project && { text: errors.project, href: '#project' },
    errors.name && { text: errors.name, href: '#project-name' },
  ].filter((e): e is { text: string; href: string } => Boolean(e));

  return (
    <>
      <PageTitle title={`${errorList.length > 0 ? 'Error: ' : ''}${title}`} />
      {errorList.length > 0 && <ErrorSummary key={attempt} errors={errorList} />}
      {problem !== null && (
        <ProblemSummary
          error={problem}
          fieldTargets={{ 'body.name': '#project-name', 'body.assessed_on': '#assessed-on-day' }}
        />
      )}
      <h1 className="nhsuk-heading-l">{title}</h1>
      <form noValidate onSubmit={(event) => void onSubmit(event)}>
        {aboutProject && (
          <div className={`nhsuk-form-group${errors.project ? ' nhsuk-form-group--error' : ''}`}>
            <fieldset className="nhsuk-fieldset" id="project" aria-describedby={errors.project ? 'project-error' : undefined}>
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
                Which project or programme is assessed?
              </legend>
              {errors.project && (
                <span className="nhsuk-error-message" id="project-error">
                  <span className="nhsuk-u-visually-hidden">Error:</span> {errors.project}
                </span>
              )}
              <div className="nhsuk-radios">
                {[...known.map((p) => ({ id: p.id, label: p.name })), { id: NEW_PROJECT, label: 'A new project or programme' }].map(
                  (option) => (
                    <div className="nhsuk-radios__item" key={option.id}>
                      <input
                        className="nhsuk-radios__input"
                        id={`project-${option.id}`}
                        name="project"
                        type="radio"
                        value={option.id}
                        checked={choice === option.id}
                        onChange={() => {
                          setProjectChoice(option.id);
                        }}
                      />
                      <label className="nhsuk-label nhsuk-radios__label" htmlFor={`project-${option.id}`}>
                        {option.label}
                      </label>
                    </div>
                  ),
                )}
              </div>
            </fieldset>
          </div>
        )}
        {aboutProject && choice === NEW_PROJECT && (
          <>
            <TextInput
              id="project-name"
              label="Name of the project or programme"
              hint="No names of patients or staff"
              maxLength={200}
              value={name}
              error={errors.name}
              onChange={(event) => {
                setName(event.target.value);
              }}
            />
            <Select
              id="project-kind"
              label="Is it a project or a programme?"
              value={kind}
              options={[
                { value: 'project', label: 'Project' },
                { value: 'programme', label: 'Programme' },
              ]}
              onChange={(event) => {
                setKind(event.target.value === 'programme' ? 'programme' : 'project');
              }}
            />
            <Textarea
              id="project-description"
              label="What it does (optional)"
              maxLength={2000}
              value={description}
              onChange={(event) => {
                setDescription(event.target.value);
              }}
            />
          </>
        )}
        {episodes.length > 0 && (
          <Select
            id="episode-type"
            label="Type of assessment"
            value={episode}
            options={episodes}
            onChange={(event) => {
              setEpisode(event.target.value);
            }}
          />
        )}
        {instrument === INSTRUMENTS.heat && (
          <>
            <Select
              id="review-in-months"
              label="Review it after"
              hint="HEAT asks for a review 6 to 12 months after the assessment"
              value={reviewMonths}
              options={REVIEW_MONTHS}
              onChange={(event) => {
                setReviewMonths(event.target.value);
              }}
            />
          </>
        )}
        <DateInput
          id="assessed-on"
          legend="Date of the assessment"
          hint="For example, 15 3 2026"
          value={assessedOn}
          error={errors.date}
          onChange={setAssessedOn}
        />
        <div className="equitas-button-row">
          <Button type="submit" disabled={busy}>
            Start
          </Button>
        </div>
        {busy && (
          <p className="nhsuk-body" role="status">
            Starting…
          </p>
        )}
      </form>
      <p className="nhsuk-body">
        <Link to={boardPaths.home.href()}>Back to Board and HEAT</Link>
      </p>
    </>
  );
}

import { useRef, useState, type SyntheticEvent } from 'react';
import { useNavigate } from 'react-router';

import { ProblemSummary } from '@/components/errors';
import { PageTitle } from '@/components/seo/page-title';
import { Button } from '@/components/ui/button';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Loading } from '@/components/ui/loading';
import { paths } from '@/config/paths';
import { useInstrument, useInstruments, type InstrumentSummary } from '@/lib/instruments';

import { useCreateAssessment } from '../api/create-assessment';
import type { AssessmentCreate, Subject } from '../api/types';
import { newIdempotencyKey } from '../lib/safe-retry';

import { DateInput } from './date-input';
import { EpisodeTypeField } from './episode-type-field';
import { SubjectBanner } from './subject-banner';

/** Today in England (the service stores the date of assessment as a calendar day). */
function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
}

/** Semantic Versioning precedence, as the service orders "latest": 1.0.0-x < 1.0.0 < 1.1.0. */
export function newer(a: string, b: string): boolean {
  const split = (v: string) => {
    const cut = v.search(/[-+]/);
    const core = (cut === -1 ? v : v.slice(0, cut)).split('.').map(Number);
    const pre = cut !== -1 && v[cut] === '-' ? v.slice(cut + 1).split('+')[0] ?? '' : '';
    return { core, pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i += 1) {
    const diff = (x.core[i] ?? 0) - (y.core[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  if (x.pre === y.pre) return false;
  if (x.pre === '') return true;
  if (y.pre === '') return false;
  return x.pre.localeCompare(y.pre, 'en', { numeric: true }) > 0;
}

/** The newest version of each instrument and variant a person can be assessed with. */
export function latestForPeople(instruments: readonly InstrumentSummary[]): InstrumentSummary[] {
  const latest = new Map<string, InstrumentSummary>();
  for (const summary of instruments) {
    if (summary.subject_type !== 'person') continue;
    const key = `${summary.instrument}/${summary.variant}`;
    const seen = latest.get(key);
    if (seen === undefined || newer(summary.version, seen.version)) latest.set(key, summary);
  }
  return [...latest.values()].sort((a, b) =>
    a.instrument === b.instrument
      ? (a.variant === 'standard' ? -1 : b.variant === 'standard' ? 1 : a.variant.localeCompare(b.variant))
      : a.instrument.localeCompare(b.instrument),
  );
}

type Errors = { instrument?: string; episode?: string; date?: string };

/** Start a draft: which instrument (and variant, e.g. easy read), when, and what kind. */
export function StartAssessment({ personId, subject }: { personId: string; subject: Subject | undefined }) {
  const navigate = useNavigate();
  const instruments = useInstruments();
  const choices = instruments.data ? latestForPeople(instruments.data) : [];
  const [chosenKey, setChosenKey] = useState<string | null>(null);
  const chosen =
    choices.find((c) => `${c.instrument}/${c.variant}` === chosenKey) ?? choices[0];
  const definition = useInstrument(
    chosen && { instrument: chosen.instrument, variant: chosen.variant, version: chosen.version },
  );
  const [episodeType, setEpisodeType] = useState('');
  const [assessedOn, setAssessedOn] = useState(today);
  const [errors, setErrors] = useState<Errors | null>(null);
  const [attempt, setAttempt] = useState(0);
  const create = useCreateAssessment(personId);
  // One key per request as the user means it: pressing Start again for the same thing is the
  // same request (one draft); changing the date or type makes a new one.
  const keyed = useRef<{ body: string; key: string } | null>(null);
  const keyFor = (body: AssessmentCreate) => {
    const text = JSON.stringify(body);
    if (keyed.current?.body !== text) keyed.current = { body: text, key: newIdempotencyKey() };
    return keyed.current.key;
  };

  if (instruments.isPending) return <Loading label="Loading the assessments you can use…" />;
  if (instruments.isError) {
    return (
      <>
        <PageTitle title="Start an assessment" />
        <h1 className="nhsuk-heading-l">Start an assessment</h1>
        <ProblemSummary error={instruments.error} />
      </>
    );
  }
  if (chosen === undefined) {
    return (
      <>
        <PageTitle title="Start an assessment" />
        <h1 className="nhsuk-heading-l">Start an assessment</h1>
        <p className="nhsuk-body">
          No assessment for people is set up in Equitas yet. Ask the Equitas administrator in
          your organisation.
        </p>
      </>
    );
  }

  const onSubmit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Errors = {};
    if (definition.data && definition.data.episode_types.length > 0 && episodeType === '') {
      found.episode = 'Select the type of assessment';
    }
    if (assessedOn === '') found.date = 'Enter the date of the assessment as a real date';
    else if (assessedOn > today()) found.date = 'The date of the assessment must be today or in the past';
    setAttempt((n) => n + 1);
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    setErrors(null);
    const body: AssessmentCreate = {
      instrument: chosen.instrument,
      variant: chosen.variant,
      version: chosen.version,
      episode_type: episodeType || 'ad-hoc',
      assessed_on: assessedOn,
      responses: {},
    };
    create.mutate(
      { body, idempotencyKey: keyFor(body) },
      {
        onSuccess: (created) => {
          void navigate(paths.assessments.detail.getHref(created.id), { replace: true });
        },
      },
    );
  };

  return (
    <>
      <PageTitle title={errors ? 'Error: Start an assessment' : 'Start an assessment'} />
      <SubjectBanner subject={subject} />
      {errors && (
        <ErrorSummary
          key={attempt}
          errors={[
            ...(errors.episode ? [{ text: errors.episode, href: '#episode-type' }] : []),
            ...(errors.date ? [{ text: errors.date, href: '#assessed-on-day' }] : []),
          ]}
        />
      )}
      {create.isError && (
        <ProblemSummary
          key={`create-${String(attempt)}`}
          error={create.error}
          fieldTargets={{ 'body.assessed_on': '#assessed-on-day', 'body.episode_type': '#episode-type' }}
        />
      )}
      <h1 className="nhsuk-heading-l">Start an assessment</h1>
      <form noValidate onSubmit={onSubmit}>
        {choices.length > 1 && (
          <div className="nhsuk-form-group">
            <fieldset className="nhsuk-fieldset">
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
                Which version of the assessment
              </legend>
              <div className="nhsuk-radios">
                {choices.map((choice) => {
                  const key = `${choice.instrument}/${choice.variant}`;
                  const id = `instrument-${choice.instrument}-${choice.variant}`;
                  return (
                    <div className="nhsuk-radios__item" key={key}>
                      <input
                        className="nhsuk-radios__input"
                        id={id}
                        name="instrument"
                        type="radio"
                        checked={chosen === choice}
                        onChange={() => {
                          setChosenKey(key);
                        }}
                      />
                      <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>
                        {choice.title}
                        {choice.status === 'provisional' && ' (provisional)'}
                      </label>
                    </div>
                  );
                })}
              </div>
            </fieldset>
          </div>
        )}
        {definition.isPending && <Loading label="Loading the assessment…" />}
        {definition.isError && <ProblemSummary error={definition.error} />}
        {definition.data && definition.data.episode_types.length > 0 && (
          <EpisodeTypeField
            definition={definition.data}
            value={episodeType}
            onChange={setEpisodeType}
            error={errors?.episode}
          />
        )}
        <DateInput
          id="assessed-on"
          legend="Date of assessment"
          hint="For example, 15 3 2026"
          value={assessedOn}
          onChange={setAssessedOn}
          error={errors?.date}
        />
        <Button type="submit" disabled={create.isPending || !definition.data}>
          Start assessment
        </Button>
      </form>
    </>
  );
}

import { useEffect, useRef, useState } from 'react';

import { PageTitle } from '@/components/seo/page-title';
import { Button } from '@/components/ui/button';
import type { InstrumentDefinition } from '@/lib/instruments';

import type { Assessment } from '../api/types';
import type { Choice, ConflictRow } from '../lib/draft';

import { fieldName, fieldValue } from './field-text';

type ConflictScreenProps = {
  definition: InstrumentDefinition;
  theirs: Assessment;
  rows: readonly ConflictRow[];
  onResolve: (choices: Record<string, Choice>) => void;
  busy?: boolean;
};

function savedAt(theirs: Assessment): string {
  return new Date(theirs.updated_at).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * Shown when a save is refused with 412: someone else saved this draft since we read it.
 * Both versions, field by field, and the user chooses; nothing is saved until they do, and
 * their own answers stay chosen unless they pick the other version.
 */
export function ConflictScreen({ definition, theirs, rows, onResolve, busy }: ConflictScreenProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [choices, setChoices] = useState<Record<string, Choice>>(() =>
    Object.fromEntries(rows.map((row) => [row.key, row.proposed])),
  );
  useEffect(() => {
    heading.current?.focus();
  }, []);

  return (
    <section aria-labelledby="conflict-heading" data-testid="conflict-screen">
      <PageTitle title="Someone else changed this assessment" />
      <h1 className="nhsuk-heading-l" id="conflict-heading" ref={heading} tabIndex={-1}>
        Someone else changed this assessment
      </h1>
      <div className="nhsuk-inset-text">
        <span className="nhsuk-u-visually-hidden">Information: </span>
        <p>
          Another person saved this draft at {savedAt(theirs)}, after you opened it. Nothing has
          been lost: below are both versions of every answer that differs. Choose which to keep,
          then save.
        </p>
      </div>
      {rows.length === 0 ? (
        <p className="nhsuk-body">Their version and yours are the same.</p>
      ) : (
        rows.map((row) => {
          const id = `conflict-${row.key.replace(/\W/g, '-')}`;
          const name = fieldName(definition, row.key);
          return (
            <div className="nhsuk-form-group" key={row.key} data-testid="conflict-row">
              <fieldset className="nhsuk-fieldset">
                <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
                  <h2 className="nhsuk-fieldset__heading">{name}</h2>
                </legend>
                <div className="nhsuk-radios">
                  {(['yours', 'theirs'] as const).map((choice) => (
                    <div className="nhsuk-radios__item" key={choice}>
                      <input
                        className="nhsuk-radios__input"
                        id={`${id}-${choice}`}
                        name={id}
                        type="radio"
                        checked={choices[row.key] === choice}
                        onChange={() => {
                          setChoices((current) => ({ ...current, [row.key]: choice }));
                        }}
                      />
                      <label className="nhsuk-label nhsuk-radios__label" htmlFor={`${id}-${choice}`}>
                        {choice === 'yours' ? 'Your version: ' : 'Their version: '}
                        <strong data-testid={`conflict-${choice}`}>
                          {fieldValue(definition, row.key, row[choice])}
                        </strong>
                      </label>
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
          );
        })
      )}
      <Button
        disabled={busy}
        onClick={() => {
          onResolve(choices);
        }}
      >
        Save the chosen answers
      </Button>
    </section>
  );
}

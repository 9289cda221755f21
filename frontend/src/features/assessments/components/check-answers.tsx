import { Link } from 'react-router';

import { itemElementId, stepSearch } from '@/components/instrument-form';
import type { InstrumentDefinition } from '@/lib/instruments';

import { ASSESSED_ON, EPISODE_TYPE, responseKey, type DraftFields } from '../lib/draft';
import { DETAILS_STEP } from '../lib/steps';

import { fieldValue } from './field-text';

type CheckAnswersProps = {
  definition: InstrumentDefinition;
  fields: DraftFields;
  /** Item ids to mark as needing an answer (after a failed submit). */
  missing: ReadonlySet<string>;
};

/** NHS.UK "check your answers": every answer by section, each section with a Change link. */
export function CheckAnswers({ definition, fields, missing }: CheckAnswersProps) {
  return (
    <>
      <h2 className="nhsuk-heading-m">About this assessment</h2>
      <dl className="nhsuk-summary-list">
        {[EPISODE_TYPE, ASSESSED_ON].map((key) => (
          <div className="nhsuk-summary-list__row" key={key}>
            <dt className="nhsuk-summary-list__key">
              {key === EPISODE_TYPE ? 'Type of assessment' : 'Date of assessment'}
            </dt>
            <dd className="nhsuk-summary-list__value">
              {fieldValue(definition, key, fields[key])}
            </dd>
          </div>
        ))}
      </dl>
      <p className="nhsuk-body">
        <Link to={stepSearch(DETAILS_STEP)}>
          Change<span className="nhsuk-u-visually-hidden"> the details of this assessment</span>
        </Link>
      </p>
      {definition.sections.map((section) => (
        <section key={section.id} aria-labelledby={`check-${section.id}`}>
          <h2 className="nhsuk-heading-m" id={`check-${section.id}`}>
            {section.title}
          </h2>
          <dl className="nhsuk-summary-list">
            {section.items.map((item) => {
              const key = responseKey(item.id);
              const needed = missing.has(item.id);
              return (
                <div className="nhsuk-summary-list__row" key={item.id}>
                  <dt className="nhsuk-summary-list__key">{item.text}</dt>
                  <dd className="nhsuk-summary-list__value" data-testid={`answer-${item.id}`}>
                    {needed ? (
                      <span className="nhsuk-error-message nhsuk-u-margin-bottom-0">
                        Not answered
                      </span>
                    ) : (
                      fieldValue(definition, key, fields[key])
                    )}
                  </dd>
                </div>
              );
            })}
          </dl>
          <p className="nhsuk-body">
            <Link
              to={{
                search: stepSearch(section.id),
                hash: section.items[0] ? `#${itemElementId(section.items[0].id)}` : '',
              }}
            >
              Change<span className="nhsuk-u-visually-hidden"> {section.title}</span>
            </Link>
          </p>
        </section>
      ))}
    </>
  );
}

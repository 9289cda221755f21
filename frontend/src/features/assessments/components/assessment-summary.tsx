import type { InstrumentDefinition } from '@/lib/instruments';

import type { Assessment } from '../api/types';
import { ASSESSED_ON, EPISODE_TYPE, fieldsOf, responseKey } from '../lib/draft';

import './draft-form.scss';
import { fieldValue } from './field-text';

/** A submitted assessment's answers, read-only, by section. */
export function AssessmentSummary({
  assessment,
  definition,
}: {
  assessment: Assessment;
  definition: InstrumentDefinition;
}) {
  const fields = fieldsOf(assessment);
  return (
    <>
      <dl className="nhsuk-summary-list">
        {[EPISODE_TYPE, ASSESSED_ON].map((key) => (
          <div className="nhsuk-summary-list__row" key={key}>
            <dt className="nhsuk-summary-list__key">
              {key === EPISODE_TYPE ? 'Type of assessment' : 'Date of assessment'}
            </dt>
            <dd className="nhsuk-summary-list__value">{fieldValue(definition, key, fields[key])}</dd>
          </div>
        ))}
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">Revision</dt>
          <dd className="nhsuk-summary-list__value">
            {assessment.revision === 1
              ? 'As first submitted'
              : `Amended (revision ${String(assessment.revision)})`}
          </dd>
        </div>
      </dl>
      {definition.sections.map((section) => (
        <section key={section.id} aria-labelledby={`answers-${section.id}`}>
          <h2 className="nhsuk-heading-m" id={`answers-${section.id}`}>
            {section.title}
          </h2>
          <dl className="nhsuk-summary-list">
            {section.items.map((item) => (
              <div className="nhsuk-summary-list__row" key={item.id}>
                <dt className="nhsuk-summary-list__key">{item.text}</dt>
                <dd className="nhsuk-summary-list__value">
                  {fieldValue(definition, responseKey(item.id), fields[responseKey(item.id)])}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <h2 className="nhsuk-heading-m">Notes</h2>
      <p className="nhsuk-body equitas-preserve-lines">{assessment.notes ?? 'No notes'}</p>
    </>
  );
}

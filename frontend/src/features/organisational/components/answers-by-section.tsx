import { answerLabel, type InstrumentDefinition } from '@/lib/instruments';

/** The answers of an assessment in the questions' words, folded away under the results. */
export function AnswersBySection({
  definition,
  responses,
}: {
  definition: InstrumentDefinition;
  responses: Readonly<Record<string, string>>;
}) {
  return (
    <details className="nhsuk-details">
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">The answers behind these results</span>
      </summary>
      <div className="nhsuk-details__text">
        {definition.sections.map((section) => (
          <section key={section.id} aria-labelledby={`answers-${section.id}`}>
            <h3 className="nhsuk-heading-s" id={`answers-${section.id}`}>
              {section.title}
            </h3>
            <dl className="nhsuk-summary-list">
              {section.items.map((item) => (
                <div className="nhsuk-summary-list__row" key={item.id}>
                  <dt className="nhsuk-summary-list__key">{item.text}</dt>
                  <dd className="nhsuk-summary-list__value">
                    {answerLabel(definition, item.id, responses[item.id])}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </details>
  );
}

import { scaleOf, type InstrumentDefinition, type Item } from '@/lib/instruments';

type ItemQuestionProps = {
  definition: InstrumentDefinition;
  item: Item;
  value: string | undefined;
  onChange: (code: string) => void;
  error?: string;
  /** Prefix for element ids, so one item can appear twice on a page (e.g. amend). */
  idPrefix?: string;
};

export const itemElementId = (itemId: string, idPrefix = 'item') => `${idPrefix}-${itemId}`;

/** One indicator: an NHS.UK radios fieldset with the item's help as the hint. */
export function ItemQuestion({
  definition,
  item,
  value,
  onChange,
  error,
  idPrefix = 'item',
}: ItemQuestionProps) {
  const scale = scaleOf(definition, item);
  const id = itemElementId(item.id, idPrefix);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [item.help ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`} id={id}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedBy || undefined}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
          <h2 className="nhsuk-fieldset__heading">{item.text}</h2>
        </legend>
        {item.help && (
          <div className="nhsuk-hint" id={hintId}>
            {item.help}
          </div>
        )}
        {error && (
          <span className="nhsuk-error-message" id={errorId}>
            <span className="nhsuk-u-visually-hidden">Error:</span> {error}
          </span>
        )}
        <div className="nhsuk-radios">
          {scale.options.map((option) => {
            const optionId = `${id}-${option.code}`;
            return (
              <div className="nhsuk-radios__item" key={option.code}>
                <input
                  className="nhsuk-radios__input"
                  id={optionId}
                  name={id}
                  type="radio"
                  value={option.code}
                  checked={value === option.code}
                  onChange={() => {
                    onChange(option.code);
                  }}
                />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={optionId}>
                  {option.label}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/** How to choose on a scale: each answer's meaning, once per page rather than per item. */
export function ScaleGuide({ definition, scaleIds }: { definition: InstrumentDefinition; scaleIds: string[] }) {
  const scales = definition.response_scales.filter((scale) => scaleIds.includes(scale.id));
  if (scales.length === 0) return null;
  return (
    <>
      {scales.map((scale) => (
        <details className="nhsuk-details" key={scale.id}>
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">How to choose: {scale.label.toLowerCase()}</span>
          </summary>
          <div className="nhsuk-details__text">
            {scale.help && <p>{scale.help}</p>}
            <dl className="nhsuk-summary-list">
              {scale.options.map((option) => (
                <div className="nhsuk-summary-list__row" key={option.code}>
                  <dt className="nhsuk-summary-list__key">{option.label}</dt>
                  <dd className="nhsuk-summary-list__value">{option.help}</dd>
                </div>
              ))}
            </dl>
          </div>
        </details>
      ))}
    </>
  );
}

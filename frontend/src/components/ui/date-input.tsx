import { useState } from 'react';

type DateInputProps = {
  id: string;
  legend: string;
  hint?: string;
  /** An ISO date (YYYY-MM-DD), or '' for none. */
  value: string;
  /** Called with an ISO date when the three parts make a real date, else with ''. */
  onChange: (isoDate: string) => void;
  error?: string;
};

function parts(value: string) {
  const [year = '', month = '', day = ''] = value.split('-');
  return { day: day.replace(/^0/, ''), month: month.replace(/^0/, ''), year };
}

/** A real calendar date from day, month and year as typed, or '' if there is none. */
export function isoDate(day: string, month: string, year: string): string {
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return '';
  const [d, m, y] = [Number(day), Number(month), Number(year)];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return '';
  }
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/** NHS.UK date input: day, month and year as three boxes in a fieldset. */
export function DateInput({ id, legend, hint, value, onChange, error }: DateInputProps) {
  const [typed, setTyped] = useState(() => parts(value));
  const update = (part: 'day' | 'month' | 'year', text: string) => {
    const next = { ...typed, [part]: text.trim() };
    setTyped(next);
    onChange(isoDate(next.day, next.month, next.year));
  };
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  const box = (part: 'day' | 'month' | 'year', label: string, width: 2 | 4) => (
    <div className="nhsuk-date-input__item">
      <div className="nhsuk-form-group">
        <label className="nhsuk-label nhsuk-date-input__label" htmlFor={`${id}-${part}`}>
          {label}
        </label>
        <input
          className={`nhsuk-input nhsuk-date-input__input nhsuk-input--width-${String(width)}${error ? ' nhsuk-input--error' : ''}`}
          id={`${id}-${part}`}
          name={`${id}-${part}`}
          type="text"
          inputMode="numeric"
          value={typed[part]}
          onChange={(event) => {
            update(part, event.target.value);
          }}
        />
      </div>
    </div>
  );
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedBy || undefined} role="group">
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        {hint && (
          <div className="nhsuk-hint" id={hintId}>
            {hint}
          </div>
        )}
        {error && (
          <span className="nhsuk-error-message" id={errorId}>
            <span className="nhsuk-u-visually-hidden">Error:</span> {error}
          </span>
        )}
        <div className="nhsuk-date-input" id={id}>
          {box('day', 'Day', 2)}
          {box('month', 'Month', 2)}
          {box('year', 'Year', 4)}
        </div>
      </fieldset>
    </div>
  );
}

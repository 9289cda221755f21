import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';

type FieldFrameProps = {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  /** The label as the page's heading (a one-question page). */
  labelSize?: 's' | 'm' | 'l';
  children: (describedBy: string | undefined) => ReactNode;
};

/** Label, hint and error message around one control, as the NHS.UK form group does. */
function FieldFrame({ id, label, hint, error, labelSize, children }: FieldFrameProps) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const errorId = error === undefined ? undefined : `${id}-error`;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`nhsuk-form-group${error === undefined ? '' : ' nhsuk-form-group--error'}`}>
      <label
        className={`nhsuk-label${labelSize === undefined ? '' : ` nhsuk-label--${labelSize}`}`}
        htmlFor={id}
      >
        {label}
      </label>
      {hint !== undefined && (
        <div className="nhsuk-hint" id={hintId}>
          {hint}
        </div>
      )}
      {error !== undefined && (
        <span className="nhsuk-error-message" id={errorId}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      )}
      {children(describedBy)}
    </div>
  );
}

type TextInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'> & {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  labelSize?: 's' | 'm' | 'l';
  /** nhsuk-input--width-10 etc.; full width when omitted. */
  width?: 2 | 3 | 4 | 5 | 10 | 20 | 30;
};

export function TextInput({ id, label, hint, error, labelSize, width, ...input }: TextInputProps) {
  const classes = ['nhsuk-input'];
  if (width !== undefined) classes.push(`nhsuk-input--width-${width}`);
  if (error !== undefined) classes.push('nhsuk-input--error');
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} labelSize={labelSize}>
      {(describedBy) => (
        <input
          type="text"
          {...input}
          id={id}
          name={input.name ?? id}
          className={classes.join(' ')}
          aria-describedby={describedBy}
          aria-invalid={error === undefined ? undefined : true}
        />
      )}
    </FieldFrame>
  );
}

type TextareaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'className'> & {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
};

export function Textarea({ id, label, hint, error, rows = 4, ...textarea }: TextareaProps) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      {(describedBy) => (
        <textarea
          {...textarea}
          rows={rows}
          id={id}
          name={textarea.name ?? id}
          className={`nhsuk-textarea${error === undefined ? '' : ' nhsuk-textarea--error'}`}
          aria-describedby={describedBy}
          aria-invalid={error === undefined ? undefined : true}
        />
      )}
    </FieldFrame>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'className'> & {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  options: readonly { value: string; label: string }[];
};

export function Select({ id, label, hint, error, options, ...select }: SelectProps) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      {(describedBy) => (
        <select
          {...select}
          id={id}
          name={select.name ?? id}
          className={`nhsuk-select${error === undefined ? '' : ' nhsuk-select--error'}`}
          aria-describedby={describedBy}
          aria-invalid={error === undefined ? undefined : true}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

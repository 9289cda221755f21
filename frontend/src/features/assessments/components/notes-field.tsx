import type { FreeTextFlag } from '../api/types';

const KIND_WORDS: Record<string, string> = {
  nhs_number: 'an NHS number',
  phone_number: 'a phone number',
  email: 'an email address',
  person_name: "someone's name",
};

type NotesFieldProps = {
  value: string;
  onChange: (notes: string) => void;
  /** Flags for the saved notes; shown only while the notes on screen are the saved ones. */
  flags: readonly FreeTextFlag[];
  showFlags: boolean;
  error?: string;
};

/**
 * Notes with the service's personal-details screen: when the saved notes look like they
 * hold an NHS number, a phone number, an email address or another person's name, say so
 * and show where (the service sends a redacted preview, never the text it matched).
 */
export function NotesField({ value, onChange, flags, showFlags, error }: NotesFieldProps) {
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label nhsuk-label--s" htmlFor="notes">
        Notes (optional)
      </label>
      <div className="nhsuk-hint" id="notes-hint">
        Do not write names, NHS numbers, phone numbers or addresses. Notes stay with this
        record and are never included in reports.
      </div>
      {error && (
        <span className="nhsuk-error-message" id="notes-error">
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      )}
      <textarea
        className={`nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}`}
        id="notes"
        name="notes"
        rows={5}
        maxLength={10000}
        aria-describedby={`notes-hint${showFlags && flags.length > 0 ? ' notes-warning' : ''}${error ? ' notes-error' : ''}`}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
      {showFlags && flags.length > 0 && <PersonalDetailsWarning flags={flags} />}
    </div>
  );
}

export function PersonalDetailsWarning({ flags }: { flags: readonly FreeTextFlag[] }) {
  return (
    <div className="nhsuk-warning-callout" id="notes-warning" data-testid="notes-warning">
      <h3 className="nhsuk-warning-callout__label">
        <span>
          <span className="nhsuk-u-visually-hidden">Important: </span>
          Your notes may include personal details
        </span>
      </h3>
      <p>Check these parts of your notes and remove anything that identifies someone:</p>
      <ul>
        {flags.map((flag) => (
          <li key={`${String(flag.start)}-${flag.kind}`}>
            {flag.strength === 'strong' ? 'Looks like' : 'May be'}{' '}
            {KIND_WORDS[flag.kind] ?? 'a personal detail'}: <q>{flag.redacted_preview}</q>
          </li>
        ))}
      </ul>
    </div>
  );
}

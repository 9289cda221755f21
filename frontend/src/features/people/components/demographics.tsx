
import type { PersonRead } from '../api/get-person';
import { displayValue, FIELD_LABELS, formFrom, type CorrectableField } from '../lib/demographics';

/** Where the record's values came from, in the words staff use. */
export function sourceText(person: PersonRead, field: CorrectableField | 'nhs_number'): string {
  if (person.source !== 'fhir') return 'Entered by staff';
  if (field !== 'nhs_number' && (person.corrected_fields ?? []).includes(field)) {
    return 'Corrected by staff';
  }
  return 'Patient record system (EPR)';
}

const ROWS: CorrectableField[] = [
  'given_name',
  'family_name',
  'birth_date',
  'sex',
  'ethnic_category',
  'postcode',
  'gp_practice_ods',
  'language',
  'interpreter_required',
];

function deprivationText(person: PersonRead): string {
  const { imd_decile: decile, status } = person.deprivation;
  if (decile !== null) {
    return `Decile ${String(decile)} of 10 (1 is the most deprived 10% of areas)`;
  }
  return status === 'unknown_postcode' || person.postcode === null
    ? 'Not known: no postcode we can place'
    : 'Not known';
}

/** The person's demographics, each with where it came from (EPR or staff). */
export function Demographics({ person }: { person: PersonRead }) {
  const form = formFrom(person);
  const row = (key: string, label: string, value: string, source: string) => (
    <div className="nhsuk-summary-list__row" key={key}>
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value" data-testid={`person-${key}`}>
        {value}
        <span className="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-display-block nhsuk-u-margin-bottom-0">
          Source: {source}
        </span>
      </dd>
    </div>
  );
  return (
    <dl className="nhsuk-summary-list" data-testid="demographics">
      {row(
        'nhs_number',
        'NHS number',
        person.nhs_number === null
          ? 'Not known'
          : `${person.nhs_number.slice(0, 3)} ${person.nhs_number.slice(3, 6)} ${person.nhs_number.slice(6)}`,
        sourceText(person, 'nhs_number'),
      )}
      {ROWS.map((field) =>
        row(field, FIELD_LABELS[field], displayValue(field, form), sourceText(person, field)),
      )}
      <div className="nhsuk-summary-list__row">
        <dt className="nhsuk-summary-list__key">Area deprivation</dt>
        <dd className="nhsuk-summary-list__value">
          {deprivationText(person)}
          <span className="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-display-block nhsuk-u-margin-bottom-0">
            Source: worked out from the postcode
            {person.deprivation.imd_vintage === null
              ? ''
              : ` (English Indices of Deprivation ${person.deprivation.imd_vintage})`}
          </span>
        </dd>
      </div>
      <div className="nhsuk-summary-list__row">
        <dt className="nhsuk-summary-list__key">Teams caring for them</dt>
        <dd className="nhsuk-summary-list__value">{person.teams.join(', ') || 'None'}</dd>
      </div>
    </dl>
  );
}

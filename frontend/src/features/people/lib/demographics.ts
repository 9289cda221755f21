import { formatDate, sexLabel } from '@/lib/format';

import type { PersonRead } from '../api/get-person';
import type { PersonUpdate } from '../api/update-person';

// NHS Data Dictionary ethnic category codes (2001 census groups).
export const ETHNIC_CATEGORIES: readonly { code: string; label: string }[] = [
  { code: 'A', label: 'White: British' },
  { code: 'B', label: 'White: Irish' },
  { code: 'C', label: 'White: any other White background' },
  { code: 'D', label: 'Mixed: White and Black Caribbean' },
  { code: 'E', label: 'Mixed: White and Black African' },
  { code: 'F', label: 'Mixed: White and Asian' },
  { code: 'G', label: 'Mixed: any other mixed background' },
  { code: 'H', label: 'Asian or Asian British: Indian' },
  { code: 'J', label: 'Asian or Asian British: Pakistani' },
  { code: 'K', label: 'Asian or Asian British: Bangladeshi' },
  { code: 'L', label: 'Asian or Asian British: any other Asian background' },
  { code: 'M', label: 'Black or Black British: Caribbean' },
  { code: 'N', label: 'Black or Black British: African' },
  { code: 'P', label: 'Black or Black British: any other Black background' },
  { code: 'R', label: 'Other ethnic groups: Chinese' },
  { code: 'S', label: 'Other ethnic groups: any other ethnic group' },
  { code: 'Z', label: 'Not stated' },
  { code: '99', label: 'Not known' },
];

/** The demographics staff can correct, as the form holds them (text, '' for none). */
export type DemographicsForm = {
  given_name: string;
  family_name: string;
  birth_date: string;
  sex: string;
  ethnic_category: string;
  postcode: string;
  gp_practice_ods: string;
  language: string;
  interpreter_required: '' | 'yes' | 'no';
};

export type CorrectableField = keyof DemographicsForm;

export const FIELD_LABELS: Record<CorrectableField, string> = {
  given_name: 'Given name',
  family_name: 'Family name',
  birth_date: 'Date of birth',
  sex: 'Sex',
  ethnic_category: 'Ethnic group',
  postcode: 'Postcode',
  gp_practice_ods: 'GP practice code',
  language: 'Preferred language',
  interpreter_required: 'Interpreter needed',
};

/** Name, date of birth and sex can be corrected but not removed (the API refuses null). */
export const REQUIRED: ReadonlySet<CorrectableField> = new Set([
  'given_name',
  'family_name',
  'birth_date',
  'sex',
]);

export function formFrom(person: PersonRead): DemographicsForm {
  return {
    given_name: person.given_name,
    family_name: person.family_name,
    birth_date: person.birth_date,
    sex: person.sex,
    ethnic_category: person.ethnic_category ?? '',
    postcode: person.postcode ?? '',
    gp_practice_ods: person.gp_practice_ods ?? '',
    language: person.language ?? '',
    interpreter_required:
      person.interpreter_required === null ? '' : person.interpreter_required ? 'yes' : 'no',
  };
}

/** What the form holds for one field, in words (for the record and the conflict screen). */
export function displayValue(field: CorrectableField, form: DemographicsForm): string {
  const value = form[field];
  if (value === '') return 'Not recorded';
  switch (field) {
    case 'birth_date':
      return formatDate(value);
    case 'sex':
      return sexLabel(value);
    case 'ethnic_category':
      return ETHNIC_CATEGORIES.find((c) => c.code === value)?.label ?? value;
    case 'interpreter_required':
      return value === 'yes' ? 'Yes' : 'No';
    default:
      return value;
  }
}

/** The fields whose value differs between two forms. */
export function changedFields(from: DemographicsForm, to: DemographicsForm): CorrectableField[] {
  return (Object.keys(FIELD_LABELS) as CorrectableField[]).filter((f) => from[f] !== to[f]);
}

/** The PATCH body for the changed fields only: '' clears an optional field (null). */
export function updateFor(fields: readonly CorrectableField[], form: DemographicsForm): PersonUpdate {
  const body: PersonUpdate = {};
  for (const field of fields) {
    const value = form[field].trim();
    switch (field) {
      case 'interpreter_required':
        body.interpreter_required = value === '' ? null : value === 'yes';
        break;
      case 'sex':
        body.sex = value as NonNullable<PersonUpdate['sex']>;
        break;
      case 'gp_practice_ods':
        body.gp_practice_ods = value === '' ? null : value.toUpperCase();
        break;
      default:
        body[field] = value === '' ? null : value;
    }
  }
  return body;
}

/** Problems a person can fix before anything is sent; the API checks the rest. */
export function checkForm(form: DemographicsForm): Partial<Record<CorrectableField, string>> {
  const problems: Partial<Record<CorrectableField, string>> = {};
  if (form.given_name.trim() === '') problems.given_name = 'Enter a given name';
  if (form.family_name.trim() === '') problems.family_name = 'Enter a family name';
  if (form.birth_date === '') problems.birth_date = 'Enter a real date of birth, like 29 2 1984';
  return problems;
}

import type { Breakdown, Measure } from '../api/types';

// The words staff use for the service's codes (docs/equity.md): never a raw code on screen.

export const BREAKDOWNS: readonly { value: Breakdown; label: string; phrase: string }[] = [
  { value: 'imd_quintile', label: 'Deprivation (IMD quintile)', phrase: 'deprivation (IMD quintile)' },
  { value: 'imd_decile', label: 'Deprivation (IMD decile)', phrase: 'deprivation (IMD decile)' },
  { value: 'core20', label: 'Core20 (most deprived fifth of areas)', phrase: 'Core20' },
  { value: 'core20plus', label: 'Core20PLUS (Core20, then the service’s PLUS groups)', phrase: 'Core20PLUS' },
  { value: 'inclusion_health', label: 'Inclusion health groups', phrase: 'inclusion health group' },
  { value: 'ethnic_group', label: 'Ethnic group', phrase: 'ethnic group' },
  { value: 'ethnic_category', label: 'Ethnic category (NHS code)', phrase: 'ethnic category' },
  { value: 'age_band', label: 'Age band', phrase: 'age band' },
  { value: 'sex', label: 'Sex', phrase: 'sex' },
  { value: 'religion', label: 'Religion or belief', phrase: 'religion or belief' },
  { value: 'sexual_orientation', label: 'Sexual orientation', phrase: 'sexual orientation' },
  { value: 'carer', label: 'Carer', phrase: 'carer status' },
  { value: 'disability', label: 'Disability', phrase: 'disability' },
  { value: 'military_service', label: 'Military service (veterans)', phrase: 'military service' },
  { value: 'pregnancy', label: 'Pregnancy and maternity', phrase: 'pregnancy' },
  { value: 'interpreter_needed', label: 'Interpreter needed', phrase: 'interpreter need' },
  { value: 'quarter', label: 'Quarter of referral (over time)', phrase: 'quarter of referral' },
];

export function breakdownLabel(by: string): string {
  return BREAKDOWNS.find((b) => b.value === by)?.label ?? words(by);
}

export function breakdownPhrase(by: string): string {
  return BREAKDOWNS.find((b) => b.value === by)?.phrase ?? words(by).toLowerCase();
}

export type MeasureInfo = {
  value: Measure;
  label: string;
  /** Proportions come as 0-1 and are shown as per cent; means in their own unit. */
  kind: 'proportion' | 'mean';
  unit: string;
  /** What the figure counts, for the page's explanation. */
  explanation: string;
};

export const MEASURES: readonly MeasureInfo[] = [
  {
    value: 'dna',
    label: 'Did not attend (DNA) rate',
    kind: 'proportion',
    unit: '% of appointments offered',
    explanation: 'Appointments not attended, of the appointments offered.',
  },
  {
    value: 'opt_in',
    label: 'Opt-in rate',
    kind: 'proportion',
    unit: '% of those asked',
    explanation: 'People who opted in, of those asked to opt in.',
  },
  {
    value: 'drop_out',
    label: 'Drop-out before completion',
    kind: 'proportion',
    unit: '% of those discharged',
    explanation: 'Discharged as dropped out, of everyone discharged.',
  },
  {
    value: 'length_of_stay',
    label: 'Mean length of stay',
    kind: 'mean',
    unit: 'days',
    explanation: 'Days from referral to discharge (or as the service recorded it).',
  },
  {
    value: 'outcome_change',
    label: 'Mean outcome change',
    kind: 'mean',
    unit: 'after minus before',
    explanation: 'The outcome measure after, minus before, where both were recorded.',
  },
];

export function measureInfo(measure: string): MeasureInfo {
  return (
    MEASURES.find((m) => m.value === measure) ?? {
      value: measure as Measure,
      label: words(measure),
      kind: 'mean',
      unit: '',
      explanation: '',
    }
  );
}

export const FIELDS: Record<string, string> = {
  sex: 'Sex',
  ethnic_group: 'Ethnic group',
  age_band: 'Age',
  imd_decile: 'Deprivation (IMD decile)',
  lsoa: 'Area (LSOA)',
  language: 'Language',
  religion: 'Religion or belief',
  sexual_orientation: 'Sexual orientation',
  carer: 'Carer',
  disability: 'Disability',
  military_service: 'Military service',
  pregnancy: 'Pregnancy and maternity',
  interpreter_needed: 'Interpreter needed',
  outcome: 'Outcome measure (before and after)',
};

export function fieldLabel(field: string): string {
  return FIELDS[field] ?? words(field);
}

const COMMON: Record<string, string> = {
  all: 'All',
  not_known: 'Not known',
  not_stated: 'Not stated',
  yes: 'Yes',
  no: 'No',
  other: 'Other',
};

const BY_BREAKDOWN: Partial<Record<string, Record<string, string>>> = {
  imd_quintile: { '1': '1 (most deprived)', '5': '5 (least deprived)' },
  imd_decile: { '1': '1 (most deprived)', '10': '10 (least deprived)' },
  core20: { core20: 'Core20 (IMD deciles 1 and 2)', not_core20: 'Not Core20' },
  core20plus: { core20: 'Core20', plus: 'PLUS groups', other: 'Neither' },
  inclusion_health: {
    inclusion_health: 'In an inclusion health group',
    none_recorded: 'None recorded',
  },
  ethnic_group: {
    white: 'White',
    mixed: 'Mixed or multiple ethnic groups',
    asian_or_asian_british: 'Asian or Asian British',
    black_or_black_british: 'Black or Black British',
    other: 'Other ethnic group',
  },
  ethnic_category: {
    A: 'A: White British',
    B: 'B: White Irish',
    C: 'C: Any other White background',
    D: 'D: White and Black Caribbean',
    E: 'E: White and Black African',
    F: 'F: White and Asian',
    G: 'G: Any other mixed background',
    H: 'H: Indian',
    J: 'J: Pakistani',
    K: 'K: Bangladeshi',
    L: 'L: Any other Asian background',
    M: 'M: Caribbean',
    N: 'N: African',
    P: 'P: Any other Black background',
    R: 'R: Chinese',
    S: 'S: Any other ethnic group',
    Z: 'Not stated',
    '99': 'Not known',
  },
  sex: { male: 'Male', female: 'Female' },
  religion: { no_religion: 'No religion' },
  sexual_orientation: { gay_or_lesbian: 'Gay or lesbian' },
  pregnancy: { pregnant: 'Pregnant', postnatal: 'Postnatal' },
};

const QUARTER_MONTHS = ['January to March', 'April to June', 'July to September', 'October to December'];

/** "2025-04-01" (the first day of a quarter) -> "April to June 2025". */
export function quarterLabel(start: string): string {
  const match = /^(\d{4})-(\d{2})-\d{2}$/.exec(start);
  if (match === null) return start;
  const months = QUARTER_MONTHS[Math.floor((Number(match[2]) - 1) / 3)];
  return months === undefined ? start : `${months} ${match[1] ?? ''}`;
}

/** A group of a breakdown, in words: "1 (most deprived)", "Black or Black British". */
export function categoryLabel(by: string | null | undefined, code: string): string {
  if (by === 'quarter' && code !== 'all') return quarterLabel(code);
  const special = by === undefined || by === null ? undefined : BY_BREAKDOWN[by]?.[code];
  return special ?? COMMON[code] ?? words(code);
}

/** snake_case -> "Sentence case", keeping "British" and "Asian" capitalised. */
export function words(code: string): string {
  const text = code.replace(/_/g, ' ');
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return sentence.replace(/\b(british|asian|black|roma)\b/g, (w) => w.charAt(0).toUpperCase() + w.slice(1));
}

/** "withheld: fewer than 8 people" -> "Fewer than 8 people". */
export function reasonText(reason: string | null | undefined): string {
  const text = (reason ?? '').replace(/^withheld:\s*/i, '').trim();
  if (text === '') return 'Not shown to protect privacy';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const CLINICAL_AREAS: readonly { value: string; label: string }[] = [
  { value: 'maternity', label: 'Maternity' },
  { value: 'severe_mental_illness', label: 'Severe mental illness' },
  { value: 'chronic_respiratory', label: 'Chronic respiratory disease' },
  { value: 'early_cancer', label: 'Early cancer diagnosis' },
  { value: 'hypertension', label: 'Hypertension' },
  { value: 'asthma', label: 'Asthma (children and young people)' },
  { value: 'diabetes', label: 'Diabetes (children and young people)' },
  { value: 'epilepsy', label: 'Epilepsy (children and young people)' },
  { value: 'oral_health', label: 'Oral health (children and young people)' },
  { value: 'mental_health', label: 'Mental health (children and young people)' },
];

/** PLUS groups a service may choose (docs/equity.md: characteristic:code). */
export const PLUS_GROUP_OPTIONS: readonly { value: string; label: string }[] = [
  { value: 'ethnic_group:black_or_black_british', label: 'Black or Black British people' },
  { value: 'ethnic_group:asian_or_asian_british', label: 'Asian or Asian British people' },
  { value: 'ethnic_group:mixed', label: 'People of mixed or multiple ethnic groups' },
  { value: 'inclusion_group:homelessness', label: 'People experiencing homelessness' },
  { value: 'inclusion_group:drug_alcohol_dependence', label: 'People with drug or alcohol dependence' },
  { value: 'inclusion_group:vulnerable_migrant', label: 'Vulnerable migrants' },
  { value: 'inclusion_group:gypsy_roma_traveller', label: 'Gypsy, Roma and Traveller communities' },
  { value: 'inclusion_group:sex_worker', label: 'Sex workers' },
  { value: 'inclusion_group:justice_system', label: 'People in contact with the justice system' },
  { value: 'inclusion_group:modern_slavery', label: 'Victims of modern slavery' },
  { value: 'disability:yes', label: 'Disabled people' },
  { value: 'carer:yes', label: 'Carers' },
  { value: 'military_service:yes', label: 'Veterans (military service)' },
  { value: 'interpreter_needed:yes', label: 'People who need an interpreter' },
];

export function plusGroupLabel(code: string): string {
  return PLUS_GROUP_OPTIONS.find((o) => o.value === code)?.label ?? code;
}

/** Groups a change may be aimed at, per breakdown; others are chosen from the results. */
export function focusOptions(by: string): readonly string[] {
  switch (by) {
    case 'imd_quintile':
      return ['1', '2', '3', '4', '5'];
    case 'imd_decile':
      return ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];
    case 'core20':
      return ['core20', 'not_core20'];
    case 'core20plus':
      return ['core20', 'plus', 'other'];
    case 'inclusion_health':
      return ['inclusion_health'];
    case 'ethnic_group':
      return ['white', 'mixed', 'asian_or_asian_british', 'black_or_black_british', 'other'];
    case 'age_band':
      return ['0-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75-84', '85+'];
    case 'sex':
      return ['male', 'female', 'other'];
    case 'carer':
    case 'disability':
    case 'military_service':
    case 'interpreter_needed':
      return ['yes', 'no'];
    case 'pregnancy':
      return ['pregnant', 'postnatal', 'no'];
    default:
      return [];
  }
}

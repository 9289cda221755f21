import { describe, expect, it } from 'vitest';

import { changedFields, checkForm, displayValue, updateFor, type DemographicsForm } from '../lib/demographics';

const FORM: DemographicsForm = {
  given_name: 'Amelia',
  family_name: 'Jones',
  birth_date: '1984-07-15',
  sex: 'female',
  ethnic_category: 'H',
  postcode: 'LS1 4AP',
  gp_practice_ods: 'A81001',
  language: 'pa',
  interpreter_required: 'yes',
};

describe('correcting demographics', () => {
  it('sends only what changed; an emptied optional field is cleared', () => {
    const edited = { ...FORM, postcode: '', gp_practice_ods: 'b82002', interpreter_required: 'no' as const };
    const fields = changedFields(FORM, edited);
    expect(fields).toEqual(['postcode', 'gp_practice_ods', 'interpreter_required']);
    expect(updateFor(fields, edited)).toEqual({
      postcode: null,
      gp_practice_ods: 'B82002',
      interpreter_required: false,
    });
  });

  it('refuses to remove a name or the date of birth before sending', () => {
    expect(checkForm({ ...FORM, given_name: ' ', birth_date: '' })).toEqual({
      given_name: 'Enter a given name',
      birth_date: 'Enter a real date of birth, like 29 2 1984',
    });
  });

  it('says values in words', () => {
    expect(displayValue('birth_date', FORM)).toBe('15 July 1984');
    expect(displayValue('ethnic_category', FORM)).toBe('Asian or Asian British: Indian');
    expect(displayValue('interpreter_required', FORM)).toBe('Yes');
    expect(displayValue('postcode', { ...FORM, postcode: '' })).toBe('Not recorded');
  });
});

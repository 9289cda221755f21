import type { Assessment } from '../api/types';

/**
 * An instrument that exists nowhere but here: two sections, a scale of its own with an
 * answer that counts as missing, one optional item. The form must work from it unchanged.
 */
export const MADE_UP_DEFINITION = {
  format_version: 1,
  instrument: 'wellbeing-check',
  variant: 'standard',
  version: '2.1.0',
  title: 'Wellbeing check',
  subject_type: 'person',
  status: 'published',
  terms: { section: 'area', item: 'question' },
  episode_types: [
    { code: 'first-visit', label: 'First visit', help: 'When you first meet.' },
    { code: 'follow-up', label: 'Follow-up' },
  ],
  response_scales: [
    {
      id: 'agree',
      label: 'How true is this',
      options: [
        { code: 'yes', label: 'True', value: 0, help: 'It is so.' },
        { code: 'partly', label: 'Partly true', value: 1 },
        { code: 'no', label: 'Not true', value: 2 },
        { code: 'unsure', label: 'Did not ask', counts_as_missing: true },
      ],
    },
  ],
  sections: [
    {
      id: 'home',
      title: 'Home life',
      help: 'Where the person lives.',
      items: [
        { id: 'warm', text: 'The home is warm', help: 'Heating that works.', scale: 'agree' },
        { id: 'stairs', text: 'Stairs are manageable', scale: 'agree' },
      ],
    },
    {
      id: 'friends',
      title: 'Friends and family',
      items: [
        { id: 'visits', text: 'Has visitors each week', scale: 'agree' },
        { id: 'pets', text: 'Has a pet', scale: 'agree', required: false },
      ],
    },
  ],
  scoring: {
    direction: 'lower_is_better',
    section_scores: [{ id: 'sum', label: 'Concern score', rule: 'sum' }],
    overall_scores: [{ id: 'sum', label: 'Total concern', rule: 'sum', over: 'items' }],
  },
  bands: [],
  // Keys the form does not use are ignored.
  source: { citation: 'Nobody, 2026', publisher: 'Nobody' },
};

export const PERSON = {
  id: 'p-1',
  nhs_number: '9991000001',
  nhs_number_verification_status: null,
  local_id: null,
  given_name: 'Sam',
  family_name: 'Rivers',
  birth_date: '1980-02-03',
  sex: 'female',
  ethnic_category: 'A',
  ethnic_category_label: 'White British',
  postcode: null,
  deprivation: null,
  gp_practice_ods: null,
  interpreter_required: false,
  language: null,
  source: {},
  teams: [],
  version: 1,
};

export function draftAssessment(overrides: Partial<Assessment> = {}): Assessment {
  return {
    id: 'a-1',
    person_id: 'p-1',
    team_code: 'T1',
    instrument: 'wellbeing-check',
    variant: 'standard',
    instrument_version: '2.1.0',
    episode_type: 'first-visit',
    assessed_on: '2026-03-01',
    status: 'draft',
    revision: 0,
    version: 1,
    responses: {},
    notes: null,
    free_text_flags: [],
    scores: null,
    created_by: 'someone',
    updated_at: '2026-03-01T10:00:00Z',
    submitted_at: null,
    deleted: false,
    ...overrides,
  };
}

export const ME = {
  subject: 'user-ada',
  kind: 'user',
  name: 'Ada Lovelace',
  organisation: { ods_code: 'EQA', name: 'Equitas Demo Trust A' },
  role: { code: 'R8000', name: 'Clinical Practitioner Access Role' },
  permissions: ['person:read', 'person:write', 'assessment:read', 'assessment:write'],
  scopes: [],
  teams: [{ code: 'T1', name: 'Team one', role: 'member' }],
};

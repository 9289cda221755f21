import { describe, expect, it } from 'vitest';

import { checkEvaluation, evaluationQuery, type EvaluationDraft } from '../lib/evaluation';
import { checkStep, draftOf, EMPTY_STEP, stepBody } from '../lib/plan';
import { datasetIdFrom, equityPaths } from '../paths';

describe('checkStep', () => {
  it('asks for an owning role', () => {
    expect(checkStep(EMPTY_STEP)).toEqual([
      { field: 'owner_role', text: 'Enter the role that owns this step, for example Service manager' },
    ]);
    expect(checkStep({ ...EMPTY_STEP, owner_role: 'x'.repeat(81) })[0]?.text).toBe(
      'The owner’s role must be 80 characters or fewer',
    );
  });

  it('refuses a step due before it starts, and allows the same day', () => {
    const draft = { ...EMPTY_STEP, owner_role: 'Service manager', starts_on: '2026-03-02', due_on: '2026-03-01' };
    expect(checkStep(draft)).toEqual([
      { field: 'due_on', text: 'The due date must be the same as or after the start date' },
    ]);
    expect(checkStep({ ...draft, due_on: '2026-03-02' })).toEqual([]);
  });
});

describe('stepBody and draftOf', () => {
  it('sends empty dates and links as null and trims the owner', () => {
    expect(stepBody({ ...EMPTY_STEP, owner_role: '  Service manager ', breakdown: 'sex' })).toEqual({
      stage: 'focus',
      action: 'improve_recording',
      owner_role: 'Service manager',
      starts_on: null,
      due_on: null,
      status: 'planned',
      analysis: null,
      breakdown: null,
      category: null,
    });
  });

  it('round-trips a step', () => {
    const body = {
      stage: 'adjustment' as const,
      action: 'outreach' as const,
      owner_role: 'Team lead',
      starts_on: '2026-01-05',
      due_on: '2026-06-30',
      status: 'in_progress' as const,
      analysis: 'engagement' as const,
      breakdown: 'imd_quintile',
      category: '1',
    };
    expect(stepBody(draftOf(body))).toEqual(body);
  });
});

describe('checkEvaluation', () => {
  const draft: EvaluationDraft = {
    intervention: '2026-01-01',
    baselineFrom: '',
    afterTo: '',
    measure: 'dna',
    by: 'imd_quintile',
    focus: '1',
  };

  it('needs an intervention date, not in the future', () => {
    expect(checkEvaluation({ ...draft, intervention: '' }, '2026-12-07').map((p) => p.field)).toEqual(['intervention']);
    expect(checkEvaluation({ ...draft, intervention: '2026-12-08' }, '2026-12-07').map((p) => p.field)).toEqual([
      'intervention',
    ]);
    expect(checkEvaluation(draft, '2026-12-07')).toEqual([]);
  });

  it('needs the baseline to start before the change and the after period to end after it', () => {
    expect(
      checkEvaluation({ ...draft, baselineFrom: '2026-01-01', afterTo: '2025-12-31' }, '2026-12-07').map((p) => p.field),
    ).toEqual(['baseline', 'after']);
    expect(checkEvaluation({ ...draft, baselineFrom: '2025-12-31', afterTo: '2026-01-01' }, '2026-12-07')).toEqual([]);
  });

  it('asks the service with empty choices left out', () => {
    expect(evaluationQuery({ ...draft, focus: '' })).toEqual({
      intervention: '2026-01-01',
      measure: 'dna',
      by: 'imd_quintile',
      baseline_from: null,
      after_to: null,
      focus: null,
    });
  });
});

describe('paths', () => {
  it.each([
    ['12', 12],
    ['0', null],
    ['-1', null],
    ['1e3', null],
    ['abc', null],
    [undefined, null],
    ['99999999999999999', null],
  ])('reads dataset id %s as %s', (text, id) => {
    expect(datasetIdFrom(text)).toBe(id);
  });

  it('links each page of a dataset', () => {
    expect(equityPaths.dataset(4)).toBe('/equity/datasets/4');
    expect(equityPaths.dataset(4, 'plan')).toBe('/equity/datasets/4/plan');
  });
});

import { describe, expect, it } from 'vitest';

import { parseInstrumentDefinition, UnreadableDefinitionError } from '@/lib/instruments';

import {
  changesToSave,
  conflictRows,
  draftFrom,
  draftReducer,
  missingItems,
  resolveConflict,
  type DraftState,
} from '../lib/draft';
import { resumeStep, stepsOf } from '../lib/steps';

import { draftAssessment, MADE_UP_DEFINITION } from './made-up-instrument';

const definition = parseInstrumentDefinition(MADE_UP_DEFINITION);

const set = (state: DraftState, key: string, value: string | undefined) =>
  draftReducer(state, { type: 'set', key, value });

describe('a draft being edited', () => {
  it('sends nothing while what the user sees is what is saved', () => {
    expect(changesToSave(draftFrom(draftAssessment()))).toBeNull();
  });

  it('sends only what changed: answers merged (null removes), notes, details', () => {
    let state = draftFrom(draftAssessment({ responses: { warm: 'yes', stairs: 'no' } }));
    state = set(state, 'responses.warm', 'partly');
    state = set(state, 'responses.stairs', undefined);
    state = set(state, 'notes', 'Boiler fixed');
    state = set(state, 'episode_type', 'follow-up');
    expect(changesToSave(state)).toEqual({
      responses: { stairs: null, warm: 'partly' },
      notes: 'Boiler fixed',
      episode_type: 'follow-up',
    });
  });

  it('treats cleared notes as no notes', () => {
    let state = draftFrom(draftAssessment({ notes: 'old' }));
    state = set(state, 'notes', '');
    expect(changesToSave(state)).toEqual({ notes: null });
  });

  it('keeps answers given while a save was in flight', () => {
    let state = set(draftFrom(draftAssessment()), 'responses.warm', 'yes');
    state = set(state, 'responses.stairs', 'no'); // typed after the PATCH left
    state = draftReducer(state, {
      type: 'saved',
      assessment: draftAssessment({ version: 2, responses: { warm: 'yes' } }),
    });
    expect(state.version).toBe(2);
    expect(changesToSave(state)).toEqual({ responses: { stairs: 'no' } });
  });
});

describe('a conflict (412)', () => {
  // Saved at version 1 with warm=yes; I changed warm and stairs; they changed warm and visits.
  const base = draftFrom(draftAssessment({ responses: { warm: 'yes' } }));
  const mine = set(set(base, 'responses.warm', 'no'), 'responses.stairs', 'partly');
  const theirs = { episode_type: 'first-visit', assessed_on: '2026-03-01', 'responses.warm': 'partly', 'responses.visits': 'yes' };

  it('lists every difference with both versions, proposing mine where I changed it', () => {
    expect(conflictRows(mine, theirs)).toEqual([
      { key: 'responses.stairs', theirs: undefined, yours: 'partly', youChanged: true, theyChanged: false, proposed: 'yours' },
      { key: 'responses.visits', theirs: 'yes', yours: undefined, youChanged: false, theyChanged: true, proposed: 'theirs' },
      { key: 'responses.warm', theirs: 'partly', yours: 'no', youChanged: true, theyChanged: true, proposed: 'yours' },
    ]);
  });

  it('loses nothing by default: my changes and theirs both kept', () => {
    const rows = conflictRows(mine, theirs);
    expect(resolveConflict(theirs, rows, {})).toEqual({
      episode_type: 'first-visit',
      assessed_on: '2026-03-01',
      'responses.warm': 'no',
      'responses.stairs': 'partly',
      'responses.visits': 'yes',
    });
  });

  it('takes their version where the user chooses it', () => {
    const rows = conflictRows(mine, theirs);
    const resolved = resolveConflict(theirs, rows, { 'responses.warm': 'theirs', 'responses.stairs': 'theirs' });
    expect(resolved['responses.warm']).toBe('partly');
    expect(resolved).not.toHaveProperty('responses.stairs');
  });

  it('after choosing, saves the choice on top of their version', () => {
    const rows = conflictRows(mine, theirs);
    const theirsRead = draftAssessment({ version: 3, responses: { warm: 'partly', visits: 'yes' } });
    const state = draftReducer(mine, {
      type: 'resolved',
      theirs: theirsRead,
      local: resolveConflict(theirs, rows, {}),
    });
    expect(state.version).toBe(3);
    expect(changesToSave(state)).toEqual({ responses: { stairs: 'partly', warm: 'no' } });
  });
});

describe('steps and completeness', () => {
  it('has details, one step per section, then check your answers', () => {
    expect(stepsOf(definition).map((step) => step.id)).toEqual(['details', 'home', 'friends', 'check']);
  });

  it('resumes at the first section with an unanswered question', () => {
    const fields = draftFrom(draftAssessment({ responses: { warm: 'yes', stairs: 'unsure' } })).local;
    expect(resumeStep(definition, fields)).toBe('friends');
  });

  it('counts "did not ask" as an answer and optional questions as never missing', () => {
    const fields = draftFrom(draftAssessment({ responses: { warm: 'unsure', stairs: 'yes' } })).local;
    expect(missingItems(definition, fields).map((item) => item.id)).toEqual(['visits']);
  });
});

describe('reading a definition', () => {
  it('names the first part it cannot read', () => {
    const broken = { ...MADE_UP_DEFINITION, sections: [{ id: 'home', title: 'Home', items: [{ id: 'x', text: 'X', scale: 'nope' }] }] };
    expect(() => parseInstrumentDefinition(broken)).toThrow(
      "The instrument definition cannot be shown (sections.0.items.0.scale: no response scale 'nope')",
    );
    expect(() => parseInstrumentDefinition({ title: 'No sections' })).toThrow(UnreadableDefinitionError);
  });

  it('takes an answer without a value as one that counts as missing', () => {
    const [, , , unsure] = definition.response_scales[0]?.options ?? [];
    expect(unsure).toMatchObject({ code: 'unsure', value: null, counts_as_missing: true });
  });
});

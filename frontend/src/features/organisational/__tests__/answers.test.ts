import { describe, expect, it } from 'vitest';

import { parseInstrumentDefinition } from '@/lib/instruments';

import {
  answeredIn,
  changesToSave,
  missingItems,
  rebase,
  resumeSection,
  sectionOfItem,
  type Draft,
} from '../lib/answers';

const definition = parseInstrumentDefinition({
  instrument: 'made-up-board',
  variant: 'standard',
  version: '1.0.0',
  title: 'A made-up board tool',
  status: 'provisional',
  subject_type: 'organisation',
  response_scales: [
    { id: 'yes_no', label: 'Yes or no', options: [{ code: 'yes', label: 'Yes', value: 1 }, { code: 'no', label: 'No', value: 0 }] },
  ],
  sections: [
    { id: 'a', title: 'A', items: [{ id: 'a1', text: 'A one', scale: 'yes_no' }, { id: 'a2', text: 'A two', scale: 'yes_no' }] },
    { id: 'b', title: 'B', items: [{ id: 'b1', text: 'B one', scale: 'yes_no', required: false }] },
  ],
});

const draft = (responses: Record<string, string>, notes: Draft['notes'] = {}): Draft => ({
  responses,
  notes,
});

describe('what a step saves', () => {
  it('is nothing when the screen and the saved copy agree', () => {
    expect(changesToSave(draft({ a1: 'yes' }), draft({ a1: 'yes' }))).toBeNull();
  });

  it('sends changed answers, and null for one taken away', () => {
    expect(changesToSave(draft({ a1: 'yes', a2: 'no' }), draft({ a1: 'no', b1: 'yes' }))).toEqual({
      responses: { a1: 'no', a2: null, b1: 'yes' },
    });
  });

  it('sends notes trimmed, and null for notes emptied', () => {
    const saved = draft({}, { a1: { evidence: 'Board paper, May', action: null } });
    expect(changesToSave(saved, draft({}, { a1: { evidence: '  ', action: '' } }))).toEqual({
      item_notes: { a1: null },
    });
    expect(changesToSave(draft({}), draft({}, { a2: { evidence: ' Minutes ' } }))).toEqual({
      item_notes: { a2: { evidence: 'Minutes', action: null } },
    });
  });

  it('treats spaces typed after a saved note as no change', () => {
    const saved = draft({}, { a1: { evidence: 'Minutes', action: null } });
    expect(changesToSave(saved, draft({}, { a1: { evidence: 'Minutes ', action: '' } }))).toBeNull();
  });
});

describe('after a colleague saved meanwhile (412)', () => {
  const base = draft({ a1: 'yes', a2: 'yes' });

  it('keeps their answers and puts yours on top, naming none when you changed different ones', () => {
    const theirs = draft({ a1: 'no', a2: 'yes' });
    const local = draft({ a1: 'yes', a2: 'no', b1: 'yes' });
    expect(rebase(base, theirs, local)).toEqual({
      draft: draft({ a1: 'no', a2: 'no', b1: 'yes' }),
      clashes: [],
    });
  });

  it('keeps yours where you both changed one, and names it', () => {
    const theirs = draft({ a1: 'no', a2: 'yes' });
    const local = draft({ a1: 'yes', a2: 'yes', b1: 'no' });
    const both = draft({ a1: 'yes', a2: 'no' });
    expect(rebase(base, theirs, both)).toEqual({ draft: draft({ a1: 'no', a2: 'no' }), clashes: [] });
    expect(rebase(base, draft({ a1: 'yes', a2: 'yes', b1: 'yes' }), local)).toEqual({
      draft: draft({ a1: 'yes', a2: 'yes', b1: 'no' }),
      clashes: ['b1'],
    });
  });

  it('does not name an answer you both changed the same way', () => {
    expect(rebase(base, draft({ a1: 'no', a2: 'yes' }), draft({ a1: 'no', a2: 'yes' })).clashes).toEqual([]);
  });

  it('carries notes the same way', () => {
    const noted = draft({}, { a1: { evidence: 'Ours' } });
    const result = rebase(draft({}), draft({}, { a1: { evidence: 'Theirs' }, a2: { action: 'Do it' } }), noted);
    expect(result.draft.notes).toEqual({ a1: { evidence: 'Ours' }, a2: { action: 'Do it' } });
    expect(result.clashes).toEqual(['a1']);
  });
});

describe('completeness', () => {
  it('lists required items without an answer, in order (optional ones are not required)', () => {
    expect(missingItems(definition, { a2: 'yes' }).map((item) => item.id)).toEqual(['a1']);
    expect(missingItems(definition, { a1: 'no', a2: 'yes' })).toEqual([]);
  });

  it('counts answers per section and finds where to resume', () => {
    const [a, b] = definition.sections;
    expect(a && answeredIn(a, { a1: 'yes' })).toBe(1);
    expect(b && answeredIn(b, { a1: 'yes' })).toBe(0);
    expect(resumeSection(definition, { a1: 'yes' })).toBe('a');
    expect(resumeSection(definition, { a1: 'yes', a2: 'no' })).toBe('b');
    expect(resumeSection(definition, { a1: 'yes', a2: 'no', b1: 'no' })).toBeNull();
    expect(sectionOfItem(definition, 'b1')).toBe('b');
  });
});

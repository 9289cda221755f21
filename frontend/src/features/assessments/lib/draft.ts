import type { InstrumentDefinition, Item } from '@/lib/instruments';

import type { Assessment, AssessmentUpdate, FreeTextFlag } from '../api/types';

/*
 * A draft being edited: what the service holds (`saved`, at `version`) and what the user
 * sees (`local`). Whatever differs is what autosave sends next, so answers given while a
 * save is in flight are never lost, and on a 412 the three copies (the saved one we started
 * from, theirs and ours) say exactly who changed what.
 */

/** One flat map for everything a draft holds: "responses.<item id>", "notes", etc. */
export type DraftFields = Readonly<Record<string, string>>;

export type DraftState = {
  saved: DraftFields;
  version: number;
  local: DraftFields;
  /** What the service found in the saved notes (personal details). */
  flags: readonly FreeTextFlag[];
};

export const NOTES = 'notes';
export const EPISODE_TYPE = 'episode_type';
export const ASSESSED_ON = 'assessed_on';
const RESPONSE = 'responses.';

export const responseKey = (itemId: string) => `${RESPONSE}${itemId}`;

export function fieldsOf(assessment: Assessment): DraftFields {
  const fields: Record<string, string> = {
    [EPISODE_TYPE]: assessment.episode_type,
    [ASSESSED_ON]: assessment.assessed_on,
  };
  if (assessment.notes) fields[NOTES] = assessment.notes;
  for (const [itemId, code] of Object.entries(assessment.responses)) {
    fields[responseKey(itemId)] = code;
  }
  return fields;
}

export function responsesOf(fields: DraftFields): Record<string, string> {
  const responses: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key.startsWith(RESPONSE)) responses[key.slice(RESPONSE.length)] = value;
  }
  return responses;
}

export function draftFrom(assessment: Assessment): DraftState {
  const fields = fieldsOf(assessment);
  return {
    saved: fields,
    version: assessment.version,
    local: fields,
    flags: assessment.free_text_flags,
  };
}

export type DraftAction =
  | { type: 'set'; key: string; value: string | undefined }
  | { type: 'saved'; assessment: Assessment }
  | { type: 'resolved'; theirs: Assessment; local: DraftFields };

function without(fields: DraftFields, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([candidate]) => candidate !== key));
}

export function draftReducer(state: DraftState, action: DraftAction): DraftState {
  switch (action.type) {
    case 'set': {
      if (state.local[action.key] === action.value) return state;
      // Empty text is the same as nothing: notes cleared are removed.
      const local = without(state.local, action.key);
      if (action.value !== undefined && action.value !== '') local[action.key] = action.value;
      return { ...state, local };
    }
    case 'saved':
      return {
        ...state,
        saved: fieldsOf(action.assessment),
        version: action.assessment.version,
        flags: action.assessment.free_text_flags,
      };
    case 'resolved':
      return {
        saved: fieldsOf(action.theirs),
        version: action.theirs.version,
        local: action.local,
        flags: action.theirs.free_text_flags,
      };
  }
}

function keysOf(...maps: DraftFields[]): string[] {
  return [...new Set(maps.flatMap((map) => Object.keys(map)))].sort();
}

/** The PATCH body that brings the service to what the user sees, or null if they agree. */
export function changesToSave(state: DraftState): AssessmentUpdate | null {
  const body: AssessmentUpdate = {};
  const responses: Record<string, string | null> = {};
  let changed = false;
  for (const key of keysOf(state.saved, state.local)) {
    const value = state.local[key];
    if (value === state.saved[key]) continue;
    changed = true;
    if (key.startsWith(RESPONSE)) responses[key.slice(RESPONSE.length)] = value ?? null;
    else if (key === NOTES) body.notes = value ?? null;
    else if (key === EPISODE_TYPE && value !== undefined) body.episode_type = value;
    else if (key === ASSESSED_ON && value !== undefined) body.assessed_on = value;
  }
  if (Object.keys(responses).length > 0) body.responses = responses;
  return changed ? body : null;
}

export type Choice = 'yours' | 'theirs';

export type ConflictRow = {
  key: string;
  theirs: string | undefined;
  yours: string | undefined;
  /** You changed it since you last saved; they changed it since you last read it. */
  youChanged: boolean;
  theyChanged: boolean;
  /** Your change wins where you made one; otherwise theirs stands. */
  proposed: Choice;
};

/** Every field where their saved version and what you see differ, in a stable order. */
export function conflictRows(state: DraftState, theirs: DraftFields): ConflictRow[] {
  return keysOf(theirs, state.local)
    .filter((key) => theirs[key] !== state.local[key])
    .map((key) => {
      const youChanged = state.local[key] !== state.saved[key];
      return {
        key,
        theirs: theirs[key],
        yours: state.local[key],
        youChanged,
        theyChanged: theirs[key] !== state.saved[key],
        proposed: youChanged ? 'yours' : 'theirs',
      };
    });
}

/** What the user sees after choosing, field by field, between their version and yours. */
export function resolveConflict(
  theirs: DraftFields,
  rows: readonly ConflictRow[],
  choices: Readonly<Record<string, Choice>>,
): DraftFields {
  let resolved: Record<string, string> = { ...theirs };
  for (const row of rows) {
    const value = (choices[row.key] ?? row.proposed) === 'yours' ? row.yours : row.theirs;
    resolved = without(resolved, row.key);
    if (value !== undefined) resolved[row.key] = value;
  }
  return resolved;
}

/** Required items without an answer ("not assessed" is an answer). */
export function missingItems(
  definition: InstrumentDefinition,
  fields: DraftFields,
): (Item & { sectionId: string })[] {
  return definition.sections.flatMap((section) =>
    section.items
      .filter((item) => item.required && fields[responseKey(item.id)] === undefined)
      .map((item) => ({ ...item, sectionId: section.id })),
  );
}

export function answeredCount(
  section: InstrumentDefinition['sections'][number],
  fields: DraftFields,
): number {
  return section.items.filter((item) => fields[responseKey(item.id)] !== undefined).length;
}

import type { InstrumentDefinition, Item } from '@/lib/instruments';

/*
 * A draft of an organisational assessment as the form holds it: answers (item id -> code)
 * and, for the scorecard, evidence and action notes per item. What differs from the last
 * saved copy is what "Save and continue" sends; on a 412 (a colleague saved meanwhile) the
 * user's own changes are put on top of the colleague's version, and the page names every
 * answer both of them changed (decision 0035).
 */

export type Answers = Readonly<Record<string, string>>;
export type Note = { evidence?: string | null; action?: string | null };
export type Notes = Readonly<Record<string, Note>>;
export type NoteField = 'evidence' | 'action';

export type Draft = { responses: Answers; notes: Notes };

export type DraftChanges = {
  responses?: Record<string, string | null>;
  item_notes?: Record<string, { evidence: string | null; action: string | null } | null>;
};

const text = (value: string | null | undefined) => (value ?? '').trim();

function sameNote(a: Note | undefined, b: Note | undefined): boolean {
  return text(a?.evidence) === text(b?.evidence) && text(a?.action) === text(b?.action);
}

function withValue<T>(map: Readonly<Record<string, T>>, key: string, value: T | undefined) {
  const rest = Object.fromEntries(Object.entries(map).filter(([candidate]) => candidate !== key));
  return value === undefined ? rest : { ...rest, [key]: value };
}

function keys(...maps: Readonly<Record<string, unknown>>[]): string[] {
  return [...new Set(maps.flatMap((map) => Object.keys(map)))].sort();
}

/** The PATCH body that brings the saved copy to what the user sees, or null if they agree. */
export function changesToSave(saved: Draft, local: Draft): DraftChanges | null {
  const changes: DraftChanges = {};
  for (const key of keys(saved.responses, local.responses)) {
    if (saved.responses[key] === local.responses[key]) continue;
    changes.responses ??= {};
    changes.responses[key] = local.responses[key] ?? null;
  }
  for (const key of keys(saved.notes, local.notes)) {
    if (sameNote(saved.notes[key], local.notes[key])) continue;
    changes.item_notes ??= {};
    const note = local.notes[key];
    const evidence = text(note?.evidence) || null;
    const action = text(note?.action) || null;
    changes.item_notes[key] = evidence === null && action === null ? null : { evidence, action };
  }
  return changes.responses || changes.item_notes ? changes : null;
}

/**
 * After a 412: the colleague's version with the user's own changes (since the copy both
 * started from) on top, and the items both changed to different answers, to be named.
 */
export function rebase(base: Draft, theirs: Draft, local: Draft): { draft: Draft; clashes: string[] } {
  let responses: Answers = theirs.responses;
  const clashes = new Set<string>();
  for (const key of keys(base.responses, local.responses)) {
    const mine = local.responses[key];
    if (mine === base.responses[key]) continue;
    const theirsNow = theirs.responses[key];
    if (theirsNow !== base.responses[key] && theirsNow !== mine) clashes.add(key);
    responses = withValue(responses, key, mine);
  }
  let notes: Notes = theirs.notes;
  for (const key of keys(base.notes, local.notes)) {
    const mine = local.notes[key];
    if (sameNote(mine, base.notes[key])) continue;
    if (!sameNote(theirs.notes[key], base.notes[key]) && !sameNote(theirs.notes[key], mine)) {
      clashes.add(key);
    }
    notes = withValue(notes, key, mine);
  }
  return { draft: { responses, notes }, clashes: [...clashes].sort() };
}

/** Required items without an answer, in the definition's order. */
export function missingItems(definition: InstrumentDefinition, responses: Answers): Item[] {
  return definition.sections.flatMap((section) =>
    section.items.filter((item) => item.required && responses[item.id] === undefined),
  );
}

export function answeredIn(section: InstrumentDefinition['sections'][number], responses: Answers) {
  return section.items.filter((item) => responses[item.id] !== undefined).length;
}

/** The section's id that holds this item (for the step a "missing answer" link opens). */
export function sectionOfItem(definition: InstrumentDefinition, itemId: string): string | undefined {
  return definition.sections.find((section) => section.items.some((item) => item.id === itemId))
    ?.id;
}

/** Where a draft reopens: the first section with an unanswered item, else the check step. */
export function resumeSection(definition: InstrumentDefinition, responses: Answers): string | null {
  const open = definition.sections.find(
    (section) => answeredIn(section, responses) < section.items.length,
  );
  return open?.id ?? null;
}

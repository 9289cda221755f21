import type { InstrumentDefinition } from '@/lib/instruments';

import { answeredCount, type DraftFields } from './draft';

/*
 * The form's steps: the assessment's details, one step per section (for HEF, one
 * determinant per step), then "check your answers". Steps are named in the address
 * (?step=<section id>), so the browser's back button and a bookmarked step both work.
 */

export const DETAILS_STEP = 'details';
export const CHECK_STEP = 'check';

export type Step =
  | { kind: 'details'; id: typeof DETAILS_STEP; title: string }
  | { kind: 'section'; id: string; title: string; sectionIndex: number }
  | { kind: 'check'; id: typeof CHECK_STEP; title: string };

export function stepsOf(definition: InstrumentDefinition): Step[] {
  return [
    { kind: 'details', id: DETAILS_STEP, title: 'About this assessment' },
    ...definition.sections.map(
      (section, sectionIndex): Step => ({
        kind: 'section',
        id: section.id,
        title: section.title,
        sectionIndex,
      }),
    ),
    { kind: 'check', id: CHECK_STEP, title: 'Check your answers' },
  ];
}

/** Where to resume a draft: the first section with an unanswered item, else the check. */
export function resumeStep(definition: InstrumentDefinition, fields: DraftFields): string {
  const open = definition.sections.find(
    (section) => answeredCount(section, fields) < section.items.length,
  );
  return open?.id ?? CHECK_STEP;
}

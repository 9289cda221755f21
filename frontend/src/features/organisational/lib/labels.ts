import type { TagColour } from '@/components/ui/tag';

/*
 * How the board tools' codes read on screen. Colour is never the only signal: every
 * coloured tag also says its word ("Assured", "Developing").
 */

/** 'non_executive_director' -> 'Non-executive director' (the library's role codes). */
export function roleLabel(code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return 'Not assigned';
  const words = code.split('_').join(' ').replace(/^non /, 'non-');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The definition's colour names (red, amber, green, grey) as NHS.UK tag colours. */
export function tagColour(colour: string | null | undefined): TagColour {
  switch (colour) {
    case 'red':
      return 'red';
    case 'amber':
    case 'orange':
      return 'orange';
    case 'yellow':
      return 'yellow';
    case 'green':
      return 'green';
    case 'blue':
      return 'blue';
    default:
      return 'grey';
  }
}

// Maturity levels in order (decision 0030); the tag's colour darkens as a board matures.
const MATURITY_COLOURS: Record<string, TagColour> = {
  not_started: 'grey',
  emerging: 'red',
  developing: 'orange',
  maturing: 'yellow',
  thriving: 'green',
};

export const maturityColour = (code: string | null | undefined): TagColour =>
  (code ? MATURITY_COLOURS[code] : undefined) ?? 'grey';

/** A percentage of the maximum as the page shows it: '62%', or 'Not answered'. */
export function percent(score: number | null | undefined): string {
  if (score === null || score === undefined) return 'Not answered';
  return `${String(Math.round(score))}%`;
}

const STATUS: Record<string, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  adopted: 'Adopted',
  in_progress: 'In progress',
  achieved: 'Achieved',
  dropped: 'Dropped',
  open: 'Open',
  done: 'Done',
};

export const statusLabel = (code: string) =>
  STATUS[code] ?? code.charAt(0).toUpperCase() + code.slice(1).replace(/_/g, ' ');

const INSTRUMENT_NAMES: Record<string, string> = {
  'board-self-assessment': 'Board self-assessment',
  'board-assurance': 'Board assurance scorecard',
  heat: 'Health Equity Assessment Tool (HEAT)',
  'heat-audit': 'HEAT audit return',
};

export const instrumentName = (instrument: string) => INSTRUMENT_NAMES[instrument] ?? instrument;

import type { InstrumentDefinition, Section } from '@/lib/instruments';

/*
 * The profile's figures, read from the scores the service computed (never recomputed here)
 * and labelled from the definition. Shapes are those of services/scoring/instruments/
 * results.py; the contract types them as open objects, so each read is checked.
 */

export type ChangeLabel = 'improved' | 'same' | 'worse' | 'not_comparable';

export type ScoreChange = {
  baseline: number | null;
  current: number | null;
  delta: number | null;
  change: ChangeLabel;
};

export type SectionFigures = {
  section: Section;
  /** Score id -> value (null when nothing was rated). */
  scores: Record<string, number | null>;
  /** The section's band, e.g. HEF's impact level, if the definition bands it. */
  band: { code: string; label: string } | null;
  /** The largest value the headline score can take, for the chart's scale. */
  headlineMax: number;
  sinceFirst: ScoreChange | null;
  sincePrevious: ScoreChange | null;
  notAssessed: number;
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value);

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);

function scoreChange(value: unknown): ScoreChange | null {
  if (!isObject(value)) return null;
  const change = value.change;
  if (change !== 'improved' && change !== 'same' && change !== 'worse' && change !== 'not_comparable') {
    return null;
  }
  return {
    baseline: numberOrNull(value.baseline),
    current: numberOrNull(value.current),
    delta: numberOrNull(value.delta),
    change,
  };
}

const NOT_COMPARABLE: ScoreChange = {
  baseline: null,
  current: null,
  delta: null,
  change: 'not_comparable',
};

/** Null when there is no baseline at all; "not comparable" when it lacks this figure. */
function changeOf(change: unknown, sectionId: string, scoreId: string | undefined) {
  if (change === null || change === undefined) return null;
  if (scoreId === undefined) return NOT_COMPARABLE;
  return scoreChange(at(change, 'sections', sectionId, 'scores', scoreId)) ?? NOT_COMPARABLE;
}

/** The section score the chart shows: the first the definition lists (HEF: total impact). */
export function headlineRule(definition: InstrumentDefinition) {
  return definition.scoring?.section_scores[0];
}

function ruleMax(definition: InstrumentDefinition, section: Section, rule: string): number {
  const highest = (scaleId: string) =>
    Math.max(
      0,
      ...(definition.response_scales
        .find((scale) => scale.id === scaleId)
        ?.options.map((option) => option.value ?? 0) ?? [0]),
    );
  const maxima = section.items.map((item) => highest(item.scale));
  if (rule === 'sum') return maxima.reduce((a, b) => a + b, 0);
  if (rule === 'max' || rule === 'mean' || rule === 'min') return Math.max(0, ...maxima);
  if (rule === 'percent_of_max') return 100;
  return section.items.length;
}

export function sectionFigures(
  definition: InstrumentDefinition,
  scores: unknown,
  sinceFirst: unknown,
  sincePrevious: unknown,
): SectionFigures[] {
  const headline = headlineRule(definition);
  return definition.sections.map((section) => {
    const group = at(scores, 'sections', section.id);
    const rawScores = at(group, 'scores');
    const scoreValues: Record<string, number | null> = {};
    for (const rule of definition.scoring?.section_scores ?? []) {
      scoreValues[rule.id] = numberOrNull(at(rawScores, rule.id));
    }
    const bands = at(group, 'bands');
    const firstBand = isObject(bands) ? Object.values(bands).find(isObject) : undefined;
    return {
      section,
      scores: scoreValues,
      band:
        firstBand && typeof firstBand.code === 'string' && typeof firstBand.label === 'string'
          ? { code: firstBand.code, label: firstBand.label }
          : null,
      headlineMax: headline ? ruleMax(definition, section, headline.rule) : 0,
      sinceFirst: changeOf(sinceFirst, section.id, headline?.id),
      sincePrevious: changeOf(sincePrevious, section.id, headline?.id),
      notAssessed: numberOrNull(at(group, 'completeness', 'not_assessed')) ?? 0,
    };
  });
}

export type OverallFigure = { id: string; label: string; value: number | null };

export function overallFigures(definition: InstrumentDefinition, scores: unknown): OverallFigure[] {
  return (definition.scoring?.overall_scores ?? []).map((rule) => ({
    id: rule.id,
    label: rule.label,
    value: numberOrNull(at(scores, 'overall', 'scores', rule.id)),
  }));
}

export type ItemChanges = {
  itemId: string;
  text: string;
  sectionTitle: string;
  sinceFirst: ChangeLabel | null;
  sincePrevious: ChangeLabel | null;
};

const changeLabel = (value: unknown): ChangeLabel | null =>
  value === 'improved' || value === 'same' || value === 'worse' || value === 'not_comparable'
    ? value
    : null;

/** Each indicator whose rating changed against the first or the previous assessment. */
export function itemChanges(
  definition: InstrumentDefinition,
  sinceFirst: unknown,
  sincePrevious: unknown,
): ItemChanges[] {
  const moved = (label: ChangeLabel | null) => label === 'improved' || label === 'worse';
  return definition.sections.flatMap((section) =>
    section.items.flatMap((item) => {
      const first = changeLabel(at(sinceFirst, 'items', item.id, 'change'));
      const previous = changeLabel(at(sincePrevious, 'items', item.id, 'change'));
      return moved(first) || moved(previous)
        ? [
            {
              itemId: item.id,
              text: item.text,
              sectionTitle: section.title,
              sinceFirst: first,
              sincePrevious: previous,
            },
          ]
        : [];
    }),
  );
}

/** "2 lower (improved)": the number and its meaning, never colour alone. */
export function describeChange(change: ScoreChange | null): string {
  if (change === null) return 'No earlier assessment';
  if (change.change === 'not_comparable' || change.delta === null) return 'Cannot be compared';
  if (change.delta === 0) return 'No change';
  const size = Math.abs(change.delta);
  const direction = change.delta > 0 ? 'higher' : 'lower';
  return `${String(size)} ${direction} (${change.change})`;
}

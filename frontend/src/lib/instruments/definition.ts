import { z } from 'zod';

/*
 * An instrument definition as the scoring service serves it
 * (GET /api/scoring/instruments/{instrument}/{variant}/{version}). The contract types it as
 * an open object, so the SPA checks the parts it renders here, once, and every screen reads
 * the typed result: a new instrument or variant needs no new form code. Keys the screens do
 * not use are dropped; keys the service omits (it leaves out nulls) get their defaults.
 */

const OptionSchema = z.object({
  code: z.string(),
  label: z.string(),
  /** Null (or absent) for answers that count as missing, e.g. "not assessed". */
  value: z.number().nullish().transform((value) => value ?? null),
  help: z.string().default(''),
  counts_as_missing: z.boolean().default(false),
  colour: z.string().nullish(),
});

const ScaleSchema = z.object({
  id: z.string(),
  label: z.string(),
  help: z.string().default(''),
  options: z.array(OptionSchema).min(1),
});

const ItemSchema = z.object({
  id: z.string(),
  text: z.string(),
  help: z.string().default(''),
  scale: z.string(),
  required: z.boolean().default(true),
});

const SectionSchema = z.object({
  id: z.string(),
  title: z.string(),
  help: z.string().default(''),
  items: z.array(ItemSchema).min(1),
});

const ScoreRuleSchema = z.object({
  id: z.string(),
  label: z.string(),
  rule: z.string(),
  threshold: z.number().nullish(),
});

const BandSetSchema = z.object({
  id: z.string(),
  label: z.string(),
  applies_to: z.string(),
  score: z.string(),
  levels: z.array(
    z.object({ code: z.string(), label: z.string(), colour: z.string().nullish() }),
  ),
});

export const InstrumentDefinitionSchema = z
  .object({
    instrument: z.string(),
    variant: z.string(),
    version: z.string(),
    title: z.string(),
    status: z.string(),
    subject_type: z.string(),
    terms: z
      .object({ section: z.string().default('section'), item: z.string().default('item') })
      .default({ section: 'section', item: 'item' }),
    episode_types: z
      .array(z.object({ code: z.string(), label: z.string(), help: z.string().default('') }))
      .default([]),
    provisional_notes: z
      .array(z.object({ part: z.string(), reason: z.string() }))
      .default([]),
    response_scales: z.array(ScaleSchema).default([]),
    sections: z.array(SectionSchema).min(1),
    scoring: z
      .object({
        direction: z.string(),
        section_scores: z.array(ScoreRuleSchema).default([]),
        overall_scores: z.array(ScoreRuleSchema).default([]),
      })
      .nullish(),
    bands: z.array(BandSetSchema).default([]),
  })
  .superRefine((definition, context) => {
    const scales = new Set(definition.response_scales.map((scale) => scale.id));
    definition.sections.forEach((section, s) => {
      section.items.forEach((item, i) => {
        if (!scales.has(item.scale)) {
          context.addIssue({
            code: 'custom',
            path: ['sections', s, 'items', i, 'scale'],
            message: `no response scale '${item.scale}'`,
          });
        }
      });
    });
  });

export type InstrumentDefinition = z.infer<typeof InstrumentDefinitionSchema>;
export type Section = InstrumentDefinition['sections'][number];
export type Item = Section['items'][number];
export type ResponseScale = InstrumentDefinition['response_scales'][number];
export type ResponseOption = ResponseScale['options'][number];
export type ScoreRule = NonNullable<InstrumentDefinition['scoring']>['section_scores'][number];

/** A definition the service sent that the SPA cannot draw (a format it does not know). */
export class UnreadableDefinitionError extends Error {
  readonly where: string;

  constructor(where: string) {
    super(`The instrument definition cannot be shown (${where})`);
    this.name = 'UnreadableDefinitionError';
    this.where = where;
  }
}

/** Parses what the service sent; throws UnreadableDefinitionError naming the first wrong part. */
export function parseInstrumentDefinition(raw: unknown): InstrumentDefinition {
  const parsed = InstrumentDefinitionSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  throw new UnreadableDefinitionError(
    issue ? `${issue.path.join('.') || 'definition'}: ${issue.message}` : 'definition',
  );
}

export function scaleOf(definition: InstrumentDefinition, item: Item): ResponseScale {
  const scale = definition.response_scales.find((candidate) => candidate.id === item.scale);
  // The schema's refinement guarantees it; this keeps the type honest.
  if (scale === undefined) throw new Error(`No response scale '${item.scale}'`);
  return scale;
}

export function allItems(definition: InstrumentDefinition): (Item & { sectionId: string })[] {
  return definition.sections.flatMap((section) =>
    section.items.map((item) => ({ ...item, sectionId: section.id })),
  );
}

/** The label of an answer code for this item, or the code itself if the scale lacks it. */
export function answerLabel(
  definition: InstrumentDefinition,
  itemId: string,
  code: string | null | undefined,
): string {
  if (code === null || code === undefined) return 'Not answered';
  const item = allItems(definition).find((candidate) => candidate.id === itemId);
  if (item === undefined) return code;
  return scaleOf(definition, item).options.find((option) => option.code === code)?.label ?? code;
}

/** "Determinant" for HEF: the definition's own word, capitalised for headings. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

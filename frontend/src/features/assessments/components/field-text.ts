import { allItems, answerLabel, type InstrumentDefinition } from '@/lib/instruments';

import { ASSESSED_ON, EPISODE_TYPE, NOTES } from '../lib/draft';

import { formatDate } from './subject-banner';

/** What a draft field is called, in the definition's words. */
export function fieldName(definition: InstrumentDefinition, key: string): string {
  if (key === NOTES) return 'Notes';
  if (key === EPISODE_TYPE) return 'Type of assessment';
  if (key === ASSESSED_ON) return 'Date of assessment';
  const itemId = key.replace(/^responses\./, '');
  return allItems(definition).find((item) => item.id === itemId)?.text ?? itemId;
}

/** A draft field's value as the user would read it. */
export function fieldValue(
  definition: InstrumentDefinition,
  key: string,
  value: string | undefined,
): string {
  if (key === NOTES) return value ?? 'No notes';
  if (value === undefined) return 'Not answered';
  if (key === EPISODE_TYPE) {
    return definition.episode_types.find((episode) => episode.code === value)?.label ?? value;
  }
  if (key === ASSESSED_ON) return formatDate(value);
  return answerLabel(definition, key.replace(/^responses\./, ''), value);
}

import type { InstrumentSummary } from '@/lib/instruments';

/**
 * The newest standard version of an instrument. The service lists definitions in its own
 * order of precedence (Semantic Versioning, oldest first), and scores "latest" the same way,
 * so the last one listed is the one the private endpoint will use.
 */
export function latestStandard(
  instruments: readonly InstrumentSummary[],
  instrument: string,
): InstrumentSummary | undefined {
  return instruments.filter((s) => s.instrument === instrument && s.variant === 'standard').at(-1);
}

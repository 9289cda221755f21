/** What a caseload search box can hold: an NHS number (10 digits, spaces allowed) or a name. */
export type SearchTerms = { nhsNumber?: string; name?: string };

export const MIN_NAME_LENGTH = 2;

/**
 * One box searches by name or NHS number, as staff expect: ten digits (with or without
 * the 3-3-4 spaces) are an NHS number; anything else is (part of) a name.
 */
export function parseSearch(text: string): SearchTerms | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const digits = trimmed.replace(/[\s-]/g, '');
  if (/^\d+$/.test(digits)) {
    return digits.length === 10
      ? { nhsNumber: digits }
      : { error: 'An NHS number has 10 digits, like 999 123 4567' };
  }
  if (trimmed.length < MIN_NAME_LENGTH) {
    return { error: `Enter at least ${MIN_NAME_LENGTH} letters of a name` };
  }
  return { name: trimmed };
}

/** 9991234567 -> "999 123 4567", the way the NHS writes it. */
export function formatNhsNumber(value: string | null | undefined): string {
  if (value === null || value === undefined) return 'Not known';
  return value.length === 10 ? `${value.slice(0, 3)} ${value.slice(3, 6)} ${value.slice(6)}` : value;
}

// Dates and codes as NHS staff read them: "1 March 2026", "Referral".
const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

/** "2026-03-01" -> "1 March 2026" (a calendar date: no time zone shift). */
export function formatDate(isoDate: string | null | undefined): string {
  if (isoDate === null || isoDate === undefined) return 'Not known';
  const [year, month, day] = isoDate.split('-').map(Number);
  if (year === undefined || month === undefined || day === undefined) return isoDate;
  return LONG_DATE.format(new Date(Date.UTC(year, month - 1, day, 12)));
}

/** An instant, in UK time: "7 Dec 2026, 14:05". */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : DATE_TIME.format(date);
}

/** Today's date in England as YYYY-MM-DD. */
export function todayInEngland(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
}

const EPISODES: Record<string, string> = {
  referral: 'Referral',
  review: 'Review',
  discharge: 'Discharge',
  'ad-hoc': 'Ad hoc',
  adhoc: 'Ad hoc',
};

export function episodeLabel(code: string): string {
  return EPISODES[code] ?? code.charAt(0).toUpperCase() + code.slice(1).replace(/[-_]/g, ' ');
}

const SEXES: Record<string, string> = {
  male: 'Male',
  female: 'Female',
  other: 'Other',
  unknown: 'Not known',
};

export function sexLabel(code: string): string {
  return SEXES[code] ?? code;
}

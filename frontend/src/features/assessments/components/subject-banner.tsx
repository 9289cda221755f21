import type { Subject } from '../api/types';

/** NHS number as it is written: 3-3-4. */
export function formatNhsNumber(nhsNumber: string): string {
  return /^\d{10}$/.test(nhsNumber)
    ? `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`
    : nhsNumber;
}

export function formatDate(isoDate: string): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return date.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** Who this is about, on every assessment page, so nobody records against the wrong person. */
export function SubjectBanner({ subject }: { subject: Subject | undefined }) {
  if (subject === undefined) return null;
  return (
    <p className="nhsuk-body-s nhsuk-u-margin-bottom-3" data-testid="assessment-subject">
      <strong>
        {subject.given_name} {subject.family_name}
      </strong>
      {subject.nhs_number && <> · NHS number {formatNhsNumber(subject.nhs_number)}</>} · born{' '}
      {formatDate(subject.birth_date)}
    </p>
  );
}

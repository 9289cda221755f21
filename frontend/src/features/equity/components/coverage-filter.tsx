import { useState, type SyntheticEvent } from 'react';

import { Button } from '@/components/ui/button';
import { DateInput } from '@/components/ui/date-input';
import { Select } from '@/components/ui/form-fields';
import { formatDate } from '@/lib/format';

import type { Coverage } from '../api/analyses';
import type { ClinicalArea } from '../api/types';
import { CLINICAL_AREAS } from '../lib/labels';

const ALL = 'all';

/** "All referrals", or the period and clinical area the figures cover, in words. */
export function coverageText(coverage: Coverage): string {
  const parts: string[] = [];
  if (coverage.from !== null && coverage.to !== null) parts.push(`referrals from ${formatDate(coverage.from)} to ${formatDate(coverage.to)}`);
  else if (coverage.from !== null) parts.push(`referrals from ${formatDate(coverage.from)}`);
  else if (coverage.to !== null) parts.push(`referrals up to ${formatDate(coverage.to)}`);
  else parts.push('all referrals');
  const area = CLINICAL_AREAS.find((a) => a.value === coverage.clinicalArea);
  if (area !== undefined) parts.push(`tagged ${area.label.toLowerCase()}`);
  return parts.join(', ');
}

/**
 * Which records the figures cover: a period of referral and a Core20PLUS5 clinical area.
 * Applied with a button, so that typing a date does not ask the service at every keystroke.
 */
export function CoverageFilter({ idPrefix, coverage, onApply }: { idPrefix: string; coverage: Coverage; onApply: (coverage: Coverage) => void }) {
  const [draft, setDraft] = useState(coverage);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (draft.from !== null && draft.to !== null && draft.to < draft.from) {
      setProblem('The end of the period must be the same as or after its start');
      return;
    }
    setProblem(undefined);
    onApply(draft);
  };
  return (
    <details className="nhsuk-details">
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">Choose the period and clinical area</span>
      </summary>
      <div className="nhsuk-details__text">
        <form onSubmit={submit} noValidate aria-label="Choose the period and clinical area">
          <DateInput
            id={`${idPrefix}-from`}
            legend="Referrals from (optional)"
            value={draft.from ?? ''}
            onChange={(value) => {
              setDraft((now) => ({ ...now, from: value === '' ? null : value }));
            }}
          />
          <DateInput
            id={`${idPrefix}-to`}
            legend="Referrals up to (optional)"
            value={draft.to ?? ''}
            error={problem}
            onChange={(value) => {
              setDraft((now) => ({ ...now, to: value === '' ? null : value }));
            }}
          />
          <Select
            id={`${idPrefix}-area`}
            label="Clinical area (Core20PLUS5)"
            hint="Only the records the service tagged with it"
            value={draft.clinicalArea ?? ALL}
            options={[{ value: ALL, label: 'All records' }, ...CLINICAL_AREAS]}
            onChange={(e) => {
              const value = e.target.value;
              setDraft((now) => ({ ...now, clinicalArea: value === ALL ? null : (value as ClinicalArea) }));
            }}
          />
          <Button type="submit" variant="secondary">
            Show these figures
          </Button>
        </form>
      </div>
    </details>
  );
}

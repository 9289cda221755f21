import { useState, type SyntheticEvent } from 'react';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { DateInput } from '@/components/ui/date-input';
import { ErrorSummary } from '@/components/ui/error-summary';
import { Select, TextInput } from '@/components/ui/form-fields';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { isApiError } from '@/lib/api';

import { usePerson, type PersonWithEtag } from '../api/get-person';
import { useCorrectPerson } from '../api/update-person';
import {
  changedFields,
  checkForm,
  displayValue,
  ETHNIC_CATEGORIES,
  FIELD_LABELS,
  formFrom,
  updateFor,
  type CorrectableField,
  type DemographicsForm,
} from '../lib/demographics';

// The service names fields as JSON paths; the form's controls have these ids.
const FIELD_TARGETS: Record<string, string> = Object.fromEntries(
  (Object.keys(FIELD_LABELS) as CorrectableField[]).map((f) => [
    `body.${f}`,
    f === 'birth_date' ? '#birth_date-day' : `#${f}`,
  ]),
);

type CorrectDetailsProps = {
  /** The record as it was when the form opened: what "changed" is measured against. */
  opened: PersonWithEtag;
  onDone: (message: string) => void;
  onCancel: () => void;
};

/**
 * Correcting demographics. Only changed fields are sent, with If-Match naming the version
 * the form was opened from. If someone else saved in between (412), nothing is lost: what
 * was typed stays in the form, the latest record is shown beside it, and saving again
 * applies the same changes to the latest version.
 */
export function CorrectDetails({ opened, onDone, onCancel }: CorrectDetailsProps) {
  const [base, setBase] = useState(opened);
  const [form, setForm] = useState<DemographicsForm>(() => formFrom(opened.person));
  const [problems, setProblems] = useState<Partial<Record<CorrectableField, string>>>({});
  const correct = useCorrectPerson();
  const latest = usePerson(opened.person.id);
  const conflict = correct.isError && isApiError(correct.error, 412);

  const set = (field: CorrectableField) => (value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
  };
  const fields = changedFields(formFrom(base.person), form);

  const save = (event: SyntheticEvent) => {
    event.preventDefault();
    const found = checkForm(form);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    if (fields.length === 0) {
      onDone('Nothing was changed.');
      return;
    }
    correct.mutate(
      { personId: base.person.id, etag: base.etag, changes: updateFor(fields, form) },
      {
        onSuccess: () => {
          onDone('The details were saved.');
        },
        onError: (error) => {
          // Fetch the latest version to show beside what was typed.
          if (isApiError(error, 412)) void latest.refetch();
        },
      },
    );
  };

  const useLatest = () => {
    if (latest.data === undefined) return;
    // The same changes on top of the latest version: what was typed is kept, and what
    // the other person saved in the fields left alone is kept too.
    const merged = formFrom(latest.data.person);
    for (const field of fields) {
      Object.assign(merged, { [field]: form[field] });
    }
    setForm(merged);
    setBase(latest.data);
    correct.reset();
  };

  const problemList = (Object.entries(problems) as [CorrectableField, string][]).map(
    ([field, text]) => ({ text, href: FIELD_TARGETS[`body.${field}`] }),
  );

  return (
    <form onSubmit={save} noValidate aria-labelledby="correct-heading">
      <h2 className="nhsuk-heading-m" id="correct-heading">
        Correct their details
      </h2>
      {problemList.length > 0 && <ErrorSummary errors={problemList} />}
      {conflict && (
        <div data-testid="person-conflict">
          <ErrorSummary title="Someone else changed these details while you were working">
            <p>
              Your changes have not been saved, and nothing you typed has been lost. Check the
              latest details below, then save your changes again.
            </p>
          </ErrorSummary>
          {latest.data !== undefined && (
            <ResponsiveTable
              caption="Your changes and the latest details"
              testId="person-conflict-table"
              firstCellIsHeader
              rows={[
                ...new Set([
                  ...fields,
                  ...changedFields(formFrom(base.person), formFrom(latest.data.person)),
                ]),
              ]}
              rowKey={(field) => field}
              columns={[
                { header: 'Detail', cell: (field: CorrectableField) => FIELD_LABELS[field] },
                {
                  header: 'Your change',
                  cell: (field: CorrectableField) =>
                    fields.includes(field) ? displayValue(field, form) : 'Not changed by you',
                },
                {
                  header: 'Latest saved',
                  cell: (field: CorrectableField) =>
                    displayValue(field, formFrom(latest.data.person)),
                },
              ]}
            />
          )}
          <Button variant="secondary" onClick={useLatest} disabled={latest.data === undefined}>
            Keep my changes and use the latest version
          </Button>
        </div>
      )}
      {correct.isError && !conflict && (
        <ProblemSummary error={correct.error} fieldTargets={FIELD_TARGETS} />
      )}

      <TextInput
        id="given_name"
        label="Given name"
        value={form.given_name}
        error={problems.given_name}
        autoComplete="off"
        maxLength={100}
        onChange={(e) => {
          set('given_name')(e.target.value);
        }}
      />
      <TextInput
        id="family_name"
        label="Family name"
        value={form.family_name}
        error={problems.family_name}
        autoComplete="off"
        maxLength={100}
        onChange={(e) => {
          set('family_name')(e.target.value);
        }}
      />
      <DateInput
        key={base.etag}
        id="birth_date"
        legend="Date of birth"
        hint="For example, 29 2 1984"
        value={form.birth_date}
        error={problems.birth_date}
        onChange={set('birth_date')}
      />
      <Select
        id="sex"
        label="Sex"
        value={form.sex}
        onChange={(e) => {
          set('sex')(e.target.value);
        }}
        options={[
          { value: 'female', label: 'Female' },
          { value: 'male', label: 'Male' },
          { value: 'other', label: 'Other' },
          { value: 'unknown', label: 'Not known' },
        ]}
      />
      <Select
        id="ethnic_category"
        label="Ethnic group"
        value={form.ethnic_category}
        onChange={(e) => {
          set('ethnic_category')(e.target.value);
        }}
        options={[
          { value: '', label: 'Not recorded' },
          ...ETHNIC_CATEGORIES.map((c) => ({ value: c.code, label: c.label })),
        ]}
      />
      <TextInput
        id="postcode"
        label="Postcode"
        hint="Used only to work out how deprived their area is"
        width={10}
        value={form.postcode}
        autoComplete="off"
        maxLength={8}
        onChange={(e) => {
          set('postcode')(e.target.value);
        }}
      />
      <TextInput
        id="gp_practice_ods"
        label="GP practice code"
        hint="The practice's ODS code, for example A81001"
        width={10}
        value={form.gp_practice_ods}
        autoComplete="off"
        maxLength={8}
        onChange={(e) => {
          set('gp_practice_ods')(e.target.value);
        }}
      />
      <TextInput
        id="language"
        label="Preferred language"
        hint="A language code, for example en or pa"
        width={10}
        value={form.language}
        autoComplete="off"
        maxLength={16}
        onChange={(e) => {
          set('language')(e.target.value);
        }}
      />
      <Select
        id="interpreter_required"
        label="Interpreter needed"
        value={form.interpreter_required}
        onChange={(e) => {
          set('interpreter_required')(e.target.value);
        }}
        options={[
          { value: '', label: 'Not recorded' },
          { value: 'yes', label: 'Yes' },
          { value: 'no', label: 'No' },
        ]}
      />
      <div className="nhsuk-button-group">
        <Button type="submit" disabled={correct.isPending || conflict}>
          Save details
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

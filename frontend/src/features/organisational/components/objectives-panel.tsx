import { useState } from 'react';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/form-fields';
import { Loading } from '@/components/ui/loading';
import { Tag } from '@/components/ui/tag';
import { formatDate } from '@/lib/format';

import {
  useObjectiveChanges,
  useObjectives,
  type AdoptedObjective,
  type LibraryObjective,
  type ObjectiveStatus,
} from '../api/board';
import { focusWhenShown } from '../lib/focus';
import { roleLabel, statusLabel } from '../lib/labels';

import { ActionTable, AddActionForm } from './action-list';

const STATUSES: ObjectiveStatus[] = ['adopted', 'in_progress', 'achieved', 'dropped'];

const adoptedHeadingId = (ref: string) => `adopted-objective-${ref.replace(/\W/g, '-')}`;


/** The board roles the objectives library names, as choices (the library's order). */
function roleOptions(library: readonly LibraryObjective[], current?: string | null) {
  const roles = [...new Set([...library.map((o) => o.board_role ?? ''), current ?? ''])].filter(
    (role) => role !== '',
  );
  return roles.map((role) => ({ value: role, label: roleLabel(role) }));
}

/** "Adopt this objective", with the board role that takes it forward. */
export function AdoptObjective({
  ods,
  objective,
  sourceAssessmentId,
}: {
  ods: string;
  objective: LibraryObjective;
  sourceAssessmentId: string;
}) {
  const objectives = useObjectives(ods);
  const { adopt } = useObjectiveChanges(ods);
  const [role, setRole] = useState(objective.board_role ?? '');
  const id = `adopt-${objective.ref.replace(/\W/g, '-')}`;
  return (
    <details className="nhsuk-details nhsuk-u-margin-bottom-4" data-ref={objective.ref}>
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">
          Adopt this objective<span className="nhsuk-u-visually-hidden"> ({objective.ref})</span>
        </span>
      </summary>
      <div className="nhsuk-details__text">
        {adopt.isError && <ProblemSummary error={adopt.error} />}
        <Select
          id={`${id}-role`}
          label={`Board role to take objective ${objective.ref} forward`}
          value={role}
          options={roleOptions(objectives.data?.library ?? [], objective.board_role)}
          onChange={(event) => {
            setRole(event.target.value);
          }}
        />
        <Button
          small
          variant="secondary"
          disabled={adopt.isPending}
          onClick={() => {
            // Once adopted (and the list read again) this control goes: focus moves to the
            // adopted objective's card rather than being lost.
            adopt
              .mutateAsync({
                ref: objective.ref,
                board_role: role || null,
                source_assessment_id: sourceAssessmentId,
              })
              .then(
                () => {
                  focusWhenShown(adoptedHeadingId(objective.ref));
                },
                () => undefined,
              );
          }}
        >
          Adopt objective {objective.ref}
        </Button>
      </div>
    </details>
  );
}

/** The objectives the board adopted: who takes each forward, how far it got, its actions. */
export function ObjectivesPanel({ ods, editable }: { ods: string; editable: boolean }) {
  const objectives = useObjectives(ods);
  return (
    <section aria-labelledby="adopted-heading">
      <h2 className="nhsuk-heading-m" id="adopted-heading">
        Objectives the board adopted
      </h2>
      {objectives.isPending && <Loading label="Loading the adopted objectives…" />}
      {objectives.isError && <ProblemSummary error={objectives.error} />}
      {objectives.isSuccess && objectives.data.adopted.length === 0 && (
        <p className="nhsuk-body">
          None yet. {editable ? 'Adopt a suggested objective above to track it here.' : ''}
        </p>
      )}
      {objectives.isSuccess &&
        objectives.data.adopted.map((objective) => (
          <AdoptedCard
            key={objective.id}
            ods={ods}
            objective={objective}
            library={objectives.data.library}
            editable={editable}
          />
        ))}
    </section>
  );
}

function AdoptedCard({
  ods,
  objective,
  library,
  editable,
}: {
  ods: string;
  objective: AdoptedObjective;
  library: readonly LibraryObjective[];
  editable: boolean;
}) {
  const { update, addAction, markDone } = useObjectiveChanges(ods);
  const [role, setRole] = useState(objective.board_role);
  const [status, setStatus] = useState(objective.status);
  const id = `objective-${objective.id}`;
  return (
    <div className="nhsuk-card" data-testid={`adopted-${objective.ref}`}>
      <div className="nhsuk-card__content">
        <h3
          className="nhsuk-card__heading nhsuk-heading-s"
          id={adoptedHeadingId(objective.ref)}
          tabIndex={-1}
        >
          {objective.ref} {objective.text} {objective.priority && <Tag colour="blue">Priority</Tag>}
        </h3>
        <dl className="nhsuk-summary-list">
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Board role</dt>
            <dd className="nhsuk-summary-list__value">{roleLabel(objective.board_role)}</dd>
          </div>
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Progress</dt>
            <dd className="nhsuk-summary-list__value">{statusLabel(objective.status)}</dd>
          </div>
          <div className="nhsuk-summary-list__row">
            <dt className="nhsuk-summary-list__key">Adopted</dt>
            <dd className="nhsuk-summary-list__value">{formatDate(objective.adopted_at.slice(0, 10))}</dd>
          </div>
        </dl>
        {editable && (
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              update.mutate({ objective, body: { board_role: role, status: status as ObjectiveStatus } });
            }}
          >
            {update.isError && <ProblemSummary error={update.error} />}
            <Select
              id={`${id}-role`}
              label="Board role"
              value={role}
              options={roleOptions(library, objective.board_role)}
              onChange={(event) => {
                setRole(event.target.value);
              }}
            />
            <Select
              id={`${id}-status`}
              label="Progress"
              value={status}
              options={STATUSES.map((code) => ({ value: code, label: statusLabel(code) }))}
              onChange={(event) => {
                setStatus(event.target.value);
              }}
            />
            <Button type="submit" small variant="secondary" disabled={update.isPending}>
              Save changes<span className="nhsuk-u-visually-hidden"> to objective {objective.ref}</span>
            </Button>
          </form>
        )}
        <h4 className="nhsuk-heading-xs">Actions</h4>
        {markDone.isError && <ProblemSummary error={markDone.error} />}
        <ActionTable
          actions={objective.actions ?? []}
          caption={`Actions for objective ${objective.ref}`}
          onDone={editable ? (action) => markDone.mutateAsync(action) : undefined}
          busy={markDone.isPending}
        />
        {editable && (
          <details className="nhsuk-details">
            <summary className="nhsuk-details__summary">
              <span className="nhsuk-details__summary-text">
                Add an action<span className="nhsuk-u-visually-hidden"> to objective {objective.ref}</span>
              </span>
            </summary>
            <div className="nhsuk-details__text">
              <AddActionForm
                idPrefix={`${id}-action`}
                onAdd={(body) => addAction.mutateAsync({ objectiveId: objective.id, body })}
              />
            </div>
          </details>
        )}
      </div>
    </div>
  );
}

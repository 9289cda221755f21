import { useState, type SyntheticEvent } from 'react';

import './organisational.scss';

import { ProblemSummary } from '@/components/errors';
import { Button } from '@/components/ui/button';
import { DateInput } from '@/components/ui/date-input';
import { ErrorSummary } from '@/components/ui/error-summary';
import { TextInput } from '@/components/ui/form-fields';
import { ResponsiveTable } from '@/components/ui/responsive-table';
import { Tag } from '@/components/ui/tag';
import { formatDate } from '@/lib/format';

import type { Action, ActionCreate } from '../api/heat-assessments';
import { focusWhenShown } from '../lib/focus';
import { statusLabel } from '../lib/labels';

/** Actions with their owners and due dates; overdue ones say so in words, not only colour. */
export function ActionTable({
  actions,
  caption,
  onDone,
  busy = false,
}: {
  actions: readonly Action[];
  caption: string;
  /** Who may change them: a "Mark as done" button on each open action. */
  onDone?: (action: Action) => Promise<unknown>;
  busy?: boolean;
}) {
  if (actions.length === 0) return <p className="nhsuk-body">No actions yet.</p>;
  return (
    <ResponsiveTable
      caption={caption}
      rows={actions}
      rowKey={(action) => action.id}
      columns={[
        { header: 'Action', cell: (action) => <span className="equitas-board-note">{action.description}</span> },
        { header: 'Owner', cell: (action) => action.owner },
        {
          header: 'Due',
          cell: (action) => (
            <>
              {formatDate(action.due_on)} {action.overdue && <Tag colour="red">Overdue</Tag>}
            </>
          ),
        },
        {
          header: 'Status',
          // Focus comes here once "Mark as done" (and its button) has gone.
          cell: (action) => (
            <span id={`action-status-${action.id}`} tabIndex={-1}>
              {action.status === 'done'
                ? `Done${action.done_on ? ` on ${formatDate(action.done_on)}` : ''}`
                : statusLabel(action.status)}
            </span>
          ),
        },
        ...(onDone
          ? [
              {
                header: 'Change',
                cell: (action: Action) =>
                  action.status === 'done' ? (
                    'No change needed'
                  ) : (
                    <Button
                      small
                      variant="secondary"
                      disabled={busy}
                      onClick={() => {
                        onDone(action).then(
                          () => {
                            focusWhenShown(`action-status-${action.id}`);
                          },
                          () => undefined,
                        );
                      }}
                    >
                      Mark as done<span className="nhsuk-u-visually-hidden">: {action.description}</span>
                    </Button>
                  ),
              },
            ]
          : []),
      ]}
    />
  );
}

type Errors = { description?: string; owner?: string; due?: string };

/** A new action: what, who (a role, not a person's name) and by when. */
export function AddActionForm({
  idPrefix,
  onAdd,
}: {
  idPrefix: string;
  onAdd: (body: ActionCreate) => Promise<unknown>;
}) {
  const [description, setDescription] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  const [dueKey, setDueKey] = useState(0);
  const [errors, setErrors] = useState<Errors>({});
  const [attempt, setAttempt] = useState(0);
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState(false);

  const onSubmit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Errors = {};
    if (description.trim() === '') found.description = 'Enter what will be done';
    if (owner.trim() === '') found.owner = 'Enter who owns the action (a role)';
    if (due === '') found.due = 'Enter the due date as a real date';
    setErrors(found);
    setAttempt((n) => n + 1);
    setAdded(false);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setProblem(null);
    try {
      await onAdd({ description: description.trim(), owner: owner.trim(), due_on: due });
      setDescription('');
      setOwner('');
      setDue('');
      setDueKey((n) => n + 1);
      setAdded(true);
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  };

  const list = [
    errors.description && { text: errors.description, href: `#${idPrefix}-description` },
    errors.owner && { text: errors.owner, href: `#${idPrefix}-owner` },
    errors.due && { text: errors.due, href: `#${idPrefix}-due-day` },
  ].filter((e): e is { text: string; href: string } => Boolean(e));

  return (
    <form noValidate onSubmit={(event) => void onSubmit(event)}>
      {list.length > 0 && <ErrorSummary key={attempt} errors={list} />}
      {problem !== null && <ProblemSummary error={problem} />}
      <TextInput
        id={`${idPrefix}-description`}
        label="Action"
        maxLength={2000}
        value={description}
        error={errors.description}
        onChange={(event) => {
          setDescription(event.target.value);
        }}
      />
      <TextInput
        id={`${idPrefix}-owner`}
        label="Owner"
        hint="A role, for example Director of Nursing"
        maxLength={200}
        width={20}
        value={owner}
        error={errors.owner}
        onChange={(event) => {
          setOwner(event.target.value);
        }}
      />
      <DateInput
        key={dueKey}
        id={`${idPrefix}-due`}
        legend="Due date"
        hint="For example, 31 3 2027"
        value={due}
        error={errors.due}
        onChange={setDue}
      />
      <Button type="submit" variant="secondary" disabled={busy}>
        Add action
      </Button>
      <p className="nhsuk-body" role="status">
        {added ? 'The action is added.' : ''}
      </p>
    </form>
  );
}

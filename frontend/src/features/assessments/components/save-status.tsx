import { describeProblem } from '@/components/errors';

import type { SaveStatus as Status } from './use-draft-saving';

const time = (at: Date) => at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

/** Autosave's state in words, announced politely (never a spinner). */
export function SaveStatus({ status, pending }: { status: Status; pending: boolean }) {
  let text: string;
  if (status.kind === 'failed') {
    const problem = describeProblem(status.error);
    text = `Your latest answers are not saved yet: ${problem.title}. They are still on this page and we will try again.`;
  } else if (status.kind === 'saving') {
    text = 'Saving your answers…';
  } else if (pending) {
    text = 'Your latest answers will be saved in a moment.';
  } else if (status.kind === 'saved') {
    text = `Draft saved at ${time(status.at)}. You can come back to it later.`;
  } else {
    text = 'This is a draft: your answers are saved as you go.';
  }
  return (
    <p
      className={`nhsuk-body-s${status.kind === 'failed' ? ' nhsuk-error-message' : ''}`}
      role="status"
      data-testid="save-status"
    >
      {text}
    </p>
  );
}

import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';

import { isApiError, useApiClients } from '@/lib/api';

import { getAssessment } from '../api/get-assessment';
import { assessmentQueryKey, type Assessment } from '../api/types';
import { updateAssessment } from '../api/update-assessment';
import {
  changesToSave,
  conflictRows,
  fieldsOf,
  resolveConflict,
  type Choice,
  type ConflictRow,
} from '../lib/draft';
import type { DraftStore } from '../lib/draft-store';

/** Quiet time after the last change before autosave sends it. */
export const AUTOSAVE_DELAY_MS = 800;
/** After a failed save (network, 5xx), when to try again without a new change. */
const RETRY_DELAY_MS = 10_000;

export type SaveStatus =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'failed'; error: unknown };

export type Conflict = { theirs: Assessment; rows: ConflictRow[] };

/** How a save ended: all saved, stopped for a conflict, or failed with this error. */
export type SaveOutcome = { kind: 'saved' } | { kind: 'conflict' } | { kind: 'failed'; error: unknown };

/**
 * Autosave for a draft: a debounced PATCH with If-Match of what differs from the saved
 * copy, one request at a time. A 412 (someone else saved) or 409 (someone submitted it)
 * fetches their version and stops saving until the user has chosen; nothing is discarded.
 */
export function useDraftSaving(store: DraftStore, assessmentId: string) {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [submittedMeanwhile, setSubmittedMeanwhile] = useState<Assessment | null>(null);
  const inFlight = useRef<Promise<SaveOutcome> | null>(null);
  // Saving stops while a conflict waits for the user; a ref so a running save sees it too.
  const blocked = useRef(false);

  const openConflict = useCallback(async () => {
    blocked.current = true;
    try {
      const theirs = await getAssessment(scoring, assessmentId);
      if (theirs.status === 'draft') {
        queryClient.setQueryData(assessmentQueryKey(assessmentId), theirs);
        setConflict({ theirs, rows: conflictRows(store.getSnapshot(), fieldsOf(theirs)) });
      } else {
        // Not into the cache yet: the page would swap the form for the submitted view and
        // take the user's unsaved answers with it. The next screen puts it there.
        setSubmittedMeanwhile(theirs);
      }
    } catch (error) {
      blocked.current = false;
      setStatus({ kind: 'failed', error });
    }
  }, [scoring, assessmentId, queryClient, store]);

  const save = useCallback(async (): Promise<SaveOutcome> => {
    while (inFlight.current !== null) await inFlight.current;
    if (blocked.current) return { kind: 'conflict' };
    const current = store.getSnapshot();
    const changes = changesToSave(current);
    if (changes === null) return { kind: 'saved' };
    const attempt = (async (): Promise<SaveOutcome> => {
      setStatus({ kind: 'saving' });
      try {
        const saved = await updateAssessment(scoring, assessmentId, current.version, changes);
        store.dispatch({ type: 'saved', assessment: saved });
        queryClient.setQueryData(assessmentQueryKey(assessmentId), saved);
        setStatus({ kind: 'saved', at: new Date() });
        return { kind: 'saved' };
      } catch (error) {
        if (isApiError(error, 412) || isApiError(error, 409)) {
          setStatus({ kind: 'idle' });
          await openConflict();
          return { kind: 'conflict' };
        }
        setStatus({ kind: 'failed', error });
        return { kind: 'failed', error };
      }
    })();
    inFlight.current = attempt;
    try {
      return await attempt;
    } finally {
      inFlight.current = null;
    }
  }, [scoring, assessmentId, queryClient, store, openConflict]);

  const resolve = useCallback(
    (choices: Record<string, Choice>) => {
      if (conflict === null) return;
      const local = resolveConflict(fieldsOf(conflict.theirs), conflict.rows, choices);
      store.dispatch({ type: 'resolved', theirs: conflict.theirs, local });
      blocked.current = false;
      setConflict(null);
      void save();
    },
    [conflict, store, save],
  );

  const pending = changesToSave(state) !== null;

  // Debounced autosave: each change restarts the wait; a failure is retried later.
  useEffect(() => {
    if (!pending || conflict !== null || submittedMeanwhile !== null) return;
    const delay = status.kind === 'failed' ? RETRY_DELAY_MS : AUTOSAVE_DELAY_MS;
    const timer = setTimeout(() => void save(), delay);
    return () => {
      clearTimeout(timer);
    };
  }, [state, pending, conflict, submittedMeanwhile, status.kind, save]);

  // Leaving the page (to the person page, say) sends what is waiting rather than dropping it.
  useEffect(
    () => () => {
      if (!blocked.current && changesToSave(store.getSnapshot()) !== null) void save();
    },
    [store, save],
  );

  // Closing the tab with unsaved answers asks first.
  useEffect(() => {
    if (!pending) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
    };
  }, [pending]);

  return { state, status, pending, save, conflict, resolve, submittedMeanwhile, openConflict };
}

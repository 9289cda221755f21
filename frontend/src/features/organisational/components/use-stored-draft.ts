import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';

import { isApiError, useApiClients } from '@/lib/api';

import {
  getOrgAssessment,
  organisationalKeys,
  submitOrgAssessment,
  updateOrgAssessment,
  type OrgAssessment,
} from '../api/assessments';
import { changesToSave, rebase, type Draft } from '../lib/answers';

import type { SaveOutcome } from './organisational-form';

export function draftOf(assessment: OrgAssessment): Draft {
  return { responses: assessment.responses, notes: assessment.item_notes };
}

/**
 * Saving a stored draft: what differs from the last saved copy is PATCHed with If-Match. On
 * a 412 the colleague's version is read, the user's own changes put on top, and that is
 * saved, naming the answers both changed (decision 0035). Nothing typed is dropped.
 */
export function useStoredDraft(assessment: OrgAssessment) {
  const { scoring } = useApiClients();
  const queryClient = useQueryClient();
  const saved = useRef({ draft: draftOf(assessment), version: assessment.version });

  const send = useCallback(
    async (local: Draft): Promise<void> => {
      const changes = changesToSave(saved.current.draft, local);
      if (changes === null) return;
      const result = await updateOrgAssessment(scoring, assessment.id, saved.current.version, changes);
      saved.current = { draft: draftOf(result), version: result.version };
    },
    [scoring, assessment.id],
  );

  const save = useCallback(
    async (local: Draft): Promise<SaveOutcome> => {
      try {
        await send(local);
        return {};
      } catch (error) {
        if (!isApiError(error, 412)) throw error;
        const theirs = await getOrgAssessment(scoring, assessment.id);
        if (theirs.status !== 'draft') throw error;
        const rebased = rebase(saved.current.draft, draftOf(theirs), local);
        saved.current = { draft: draftOf(theirs), version: theirs.version };
        await send(rebased.draft);
        return { draft: rebased.draft, clashes: rebased.clashes };
      }
    },
    [scoring, assessment.id, send],
  );

  const submit = useCallback(async () => {
    const submitted = await submitOrgAssessment(scoring, assessment.id, saved.current.version);
    queryClient.setQueryData(organisationalKeys.one(assessment.id), submitted);
    // A submission changes this feature's lists and roll-ups (progress, scorecards over
    // time, the HEAT audit): only its own queries are read again.
    void queryClient.invalidateQueries({ queryKey: organisationalKeys.all });
    return submitted;
  }, [scoring, assessment.id, queryClient]);

  return { save, submit };
}

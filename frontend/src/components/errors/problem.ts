import { isApiError } from '@/lib/api';

export type PlainProblem = {
  title: string;
  /** What happened and what to do, in plain words. */
  body: string;
  /** One line per wrong field, as the service named it. */
  fields: { field: string; message: string }[];
};

// "body.reason" -> "reason"; "query.nhs_number" -> "NHS number".
const FIELD_NAMES: Record<string, string> = {
  nhs_number: 'NHS number',
  given_name: 'Given name',
  family_name: 'Family name',
  birth_date: 'Date of birth',
  gp_practice_ods: 'GP practice code',
  ethnic_category: 'Ethnic group',
};

export function fieldLabel(field: string): string {
  const last = field.split('.').at(-1) ?? field;
  const named = FIELD_NAMES[last];
  if (named !== undefined) return named;
  const words = last.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * An error from a request, said in plain words: problem+json's detail when the service
 * wrote one for people, and a sentence of our own for each kind of failure otherwise.
 * Never a status code or a stack trace on its own.
 */
export function describeProblem(error: unknown): PlainProblem {
  if (!isApiError(error)) {
    return {
      title: 'Sorry, there is a problem with the service',
      body: 'We could not reach Equitas. Check your connection and try again.',
      fields: [],
    };
  }
  const detail = error.problem?.detail ?? undefined;
  const fields = (error.problem?.errors ?? []).map((e) => ({
    field: e.field,
    message: `${fieldLabel(e.field)}: ${e.message}`,
  }));
  switch (error.status) {
    case 400:
    case 422:
      return {
        title: 'There is a problem',
        body: detail ?? 'Some of what was entered could not be accepted.',
        fields,
      };
    case 401:
      return { title: 'Your session has ended', body: 'Log in again to continue.', fields };
    case 403:
      return {
        title: 'You do not have permission to do this',
        body: 'If you think you should, ask the Equitas administrator in your organisation.',
        fields,
      };
    case 404:
      return {
        title: 'Not found, or you do not have access',
        body: detail ?? 'It may have been removed, or it belongs to a team you are not in.',
        fields,
      };
    case 409:
      return { title: 'This could not be done', body: detail ?? 'It conflicts with what is already recorded.', fields };
    case 412:
      return {
        title: 'Someone else changed this while you were working',
        body: 'Your changes have not been saved. Check the latest version, then make your changes again.',
        fields,
      };
    case 413:
      return { title: 'There is a problem', body: 'What was entered is too long.', fields };
    case 503:
      return {
        title: 'Sorry, Equitas is busy',
        body: 'Nothing was lost. Try again in a minute.',
        fields,
      };
    default:
      return {
        title: 'Sorry, there is a problem with the service',
        body: 'Try again later.',
        fields,
      };
  }
}

import { describe, expect, it } from 'vitest';

import { ApiError } from '@/lib/api';

import { describeProblem, fieldLabel } from '../problem';

describe('problems in plain words', () => {
  it('names each wrong field in words', () => {
    const error = new ApiError(422, {
      title: 'Unprocessable',
      errors: [{ field: 'body.nhs_number', message: 'must have 10 digits' }],
    });
    expect(describeProblem(error)).toEqual({
      title: 'There is a problem',
      body: 'Some of what was entered could not be accepted.',
      fields: [{ field: 'body.nhs_number', message: 'NHS number: must have 10 digits' }],
    });
  });

  it.each([
    [401, 'Your session has ended'],
    [403, 'You do not have permission to do this'],
    [404, 'Not found, or you do not have access'],
    [412, 'Someone else changed this while you were working'],
    [503, 'Sorry, Equitas is busy'],
    [500, 'Sorry, there is a problem with the service'],
  ])('%i is "%s"', (status, title) => {
    expect(describeProblem(new ApiError(status, null)).title).toBe(title);
  });

  it('a network failure is not blamed on the user', () => {
    expect(describeProblem(new TypeError('Failed to fetch')).body).toBe(
      'We could not reach Equitas. Check your connection and try again.',
    );
  });

  it('labels fields from their JSON path', () => {
    expect(fieldLabel('query.birth_date')).toBe('Date of birth');
    expect(fieldLabel('body.reason')).toBe('Reason');
  });
});

import { z } from 'zod';

// RFC 9457 problem details: every Equitas service answers errors with these.
const ProblemSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().int().optional(),
  detail: z.string().nullish(),
  instance: z.string().nullish(),
  // Equitas names each wrong field (a JSON path such as "body.reason") with a message.
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export type Problem = z.infer<typeof ProblemSchema>;

/** A response from an Equitas service that was not a success. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null) {
    super(problem?.title ?? `Request failed with status ${String(status)}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

/** Builds the error for a failed response; `body` is what openapi-fetch parsed, if anything. */
export function toApiError(response: Response, body: unknown): ApiError {
  const problem = ProblemSchema.safeParse(body);
  return new ApiError(response.status, problem.success ? problem.data : null);
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

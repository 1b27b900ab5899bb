/**
 * Every API error has one shape, `{ "error": { "code", "message", "details"? } }`,
 * whatever went wrong and wherever: validation, authentication, the body
 * parser, the rate limiter, the workflow's refusal or a bug. Codes are stable
 * and documented (ERROR_CODES); messages are written for the integrator reading
 * their logs.
 */
import type { NextFunction, Request, Response } from 'express'
import { z } from 'zod'

export const ERROR_CODES = {
  invalid_request: 'The request has field problems; `details` names each one.',
  invalid_json: 'The body is not valid JSON (or not UTF-8).',
  unsupported_media_type: 'The body must be `application/json`.',
  unauthorized: 'No API key, or one that is unknown or revoked.',
  forbidden: 'The key may not do this (for example a family writing an internal note).',
  cover_only:
    'The `actor` covers the case for its advocate: they reply and add notes, but its advocate or an admin changes its status, reopens it and assigns its tickets.',
  not_found: 'No such resource in this organisation.',
  method_not_allowed: 'The path exists but not with this method.',
  invalid_transition: 'The ticket cannot make that change now; `message` is the ticket’s reason.',
  ticket_closed: 'The ticket is closed and takes no more changes.',
  case_closed: 'The case is closed and takes no more changes; reopen it first.',
  no_change: 'The ticket is already like that.',
  at_capacity:
    'The assignee is at their capacity of active cases and the assignment would open a new case; an admin `actor` may send `override: true`.',
  checklist_incomplete: 'The ticket’s checklist has items not done yet; send `force: true` to resolve it anyway.',
  tasks_open: 'The ticket has tasks not done yet; send `force: true` to resolve it anyway.',
  task_linked_elsewhere: 'That task is already on another ticket.',
  idempotency_in_progress: 'A request with this Idempotency-Key is still running; retry after Retry-After.',
  payload_too_large: 'The body is larger than the limit.',
  idempotency_key_reused: 'This Idempotency-Key was used with a different body.',
  precondition_failed: 'The resource changed since the revision in `If-Match` was read.',
  unprocessable: 'The request is well-formed but refers to something that cannot be used (for example an unknown person).',
  rate_limited: 'Too many requests for this key; retry after Retry-After seconds.',
  unavailable: 'The ticket service did not answer in time; nothing was changed. Retry after Retry-After.',
  internal: 'Something went wrong on our side.',
} as const

export type ErrorCode = keyof typeof ERROR_CODES

export interface FieldProblem {
  /** Where the problem is: `body.requester.email`, `query.limit`, `path.number`, `header.Idempotency-Key`. */
  path: string
  message: string
}

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const notFound = (what = 'Ticket') => new ApiError(404, 'not_found', `${what} not found.`)

/** 400 naming every problem zod found, as `where.path: message`. */
export function invalidRequest(where: 'body' | 'query' | 'path' | 'header', error: z.ZodError): ApiError {
  const details = fieldProblems(where, error)
  const summary = details.length === 1 ? details[0]!.message : `${details.length} problems`
  return new ApiError(400, 'invalid_request', `Invalid request: ${summary}.`, details)
}

export function fieldProblems(where: string, error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const base = [where, ...issue.path.map(String)].join('.')
    // Each unknown field is its own problem, named where it is.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: `${base}.${key}`, message: `Unknown field "${key}"` }))
    return [{ path: base, message: issue.message }]
  })
}

export const ErrorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z
        .array(z.strictObject({ path: z.string(), message: z.string() }))
        .optional()
        .describe('With invalid_request: every field problem.'),
    }),
  })
  .describe('Every error response.')

export function sendError(res: Response, error: ApiError): void {
  res.set(error.headers)
  res.status(error.status).json({
    error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
  })
}

/** body-parser's and Express's own errors carry `status`/`type`; everything else is a bug. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown }
  if (type === 'entity.too.large') return new ApiError(413, 'payload_too_large', `The body is larger than the limit of ${BODY_LIMIT_TEXT}.`)
  if (type === 'entity.parse.failed') return new ApiError(400, 'invalid_json', 'The body is not valid JSON.')
  if (type === 'encoding.invalid' || type === 'entity.verify.failed')
    return new ApiError(400, 'invalid_json', 'The body is not valid UTF-8.')
  if (type === 'charset.unsupported' || type === 'encoding.unsupported')
    return new ApiError(415, 'unsupported_media_type', 'The body must be JSON in UTF-8.')
  if (type === 'request.aborted') return new ApiError(400, 'invalid_json', 'The request was aborted before its body arrived.')
  if (type === 'request.size.invalid') return new ApiError(400, 'invalid_json', 'The body is shorter than its Content-Length.')
  // Express: a path segment that is not valid percent-encoding.
  if (status === 400 && error instanceof URIError) return new ApiError(400, 'invalid_request', 'The path is not valid percent-encoding.')
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new ApiError(status, 'invalid_request', (error as Error).message || 'Invalid request.')
  return new ApiError(500, 'internal', 'Something went wrong on our side. Nothing is known to have changed; it is safe to retry.')
}

export const BODY_LIMIT_BYTES = 256 * 1024
const BODY_LIMIT_TEXT = '256 KiB'

/** The router's last middleware: one envelope for every error. */
export function apiErrorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const apiError = toApiError(error)
  if (apiError.status >= 500) req.log.error({ err: error }, 'API request failed')
  if (res.headersSent) {
    res.end()
    return
  }
  sendError(res, apiError)
}

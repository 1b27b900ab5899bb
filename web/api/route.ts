/**
 * One API operation, declared once: its method and path, the schemas of what
 * it takes and answers, and its handler. The router (router.ts) mounts it and
 * the OpenAPI document (openapi.ts) describes it from the same declaration.
 */
import type { z } from 'zod'
import type { ApiPrincipal } from '../../services/api-keys.server.ts'
import type { Upload } from '../../services/attachments.server.ts'
import type { ServiceContext } from '../../services/context.ts'
import type { ErrorCode } from './errors.ts'

export interface ApiContext extends ServiceContext {
  principal: ApiPrincipal
}

export interface ApiAnswer {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** Sent as it is instead of a JSON body: a file download. */
  response?: Response
}

export interface ApiInput<P, Q, B> {
  params: P
  query: Q
  body: B
  /** The request body as sent (parsed JSON, before validation), or undefined. */
  rawBody: unknown
  /** Request headers, lower-case names. */
  header(name: string): string | undefined
  /** Files sent with a multipart body (routes that take `uploads`), already checked. */
  uploads: Upload[]
}

type Schema = z.ZodType

/**
 * An OpenAPI link: another operation this answer's values feed, as runtime
 * expressions (`$response.body#/ticket/number`, `$response.header.ETag`).
 * openapi.ts checks the operation and its parameters exist.
 */
export interface ApiLink {
  operationId: string
  description: string
  /** By parameter name; `header.If-Match` for a header. */
  parameters?: Record<string, string>
  requestBody?: string
}

export interface ApiRoute<P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI path template under /api/v1, e.g. `/tickets/{number}`. */
  path: string
  operationId: string
  summary: string
  description?: string
  tag: 'Tickets' | 'Messages' | 'Cases' | 'Departments' | 'Settings' | 'Tags'
  params?: P
  query?: Q
  body?: B
  /** The body may be left out (an empty object is assumed). */
  bodyOptional?: boolean
  /** Honours an Idempotency-Key header. */
  idempotent?: boolean
  /**
   * Also takes `multipart/form-data`: the JSON body as a `payload` part and files
   * as `attachments` parts (attachments.server.ts says which and how large).
   */
  uploads?: boolean
  /** Request headers it reads besides Authorization and Idempotency-Key, documented as optional header parameters. */
  requestHeaders?: readonly { name: string; description: string; schema: Record<string, unknown> }[]
  /** Headers its successful answers carry. */
  answerHeaders?: Record<string, { description: string; schema: Record<string, unknown> }>
  /** Each answer's JSON schema, or for a download the media types the file may have. */
  responses: Record<number, { description: string; schema: Schema } | { description: string; file: readonly string[] }>
  /** Where values in a successful answer lead: OpenAPI links, by status and link name. */
  links?: Partial<Record<number, Record<string, ApiLink>>>
  /** The error statuses this operation answers with, besides 401, 413, 429 and 500 that any may. */
  errors: Partial<Record<number, readonly ErrorCode[]>>
  handle(ctx: ApiContext, input: ApiInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<ApiAnswer>
}

/** Keeps each route's handler typed by its own schemas. */
export function defineRoute<P extends Schema, Q extends Schema, B extends Schema>(route: ApiRoute<P, Q, B>): ApiRoute {
  return route as unknown as ApiRoute
}

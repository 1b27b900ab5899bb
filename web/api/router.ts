/**
 * The integration API, mounted at /api/v1 by web/server/main.ts before the
 * portal. In order: the OpenAPI document (public), Bearer key authentication,
 * the per-key rate limit, the JSON body (UTF-8, size-limited), then each
 * route's schemas and handler, and one error envelope for everything.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import type { Client } from '@temporalio/client'
import express, { type Request, type RequestHandler, type Response } from 'express'
import { rateLimit } from 'express-rate-limit'
import { z } from 'zod'
import type { Db } from '../../lib/db.ts'
import type { Env } from '../../lib/env.ts'
import type { Logger } from '../../lib/log.ts'
import { authenticateApiKey, type ApiPrincipal } from '../../services/api-keys.server.ts'
import type { Upload } from '../../services/attachments.server.ts'
import { asyncHandler } from '../shared/async-handler.ts'
import { readMultipart } from '../shared/multipart.ts'
import { ApiError, apiErrorHandler, BODY_LIMIT_BYTES, invalidRequest, sendError } from './errors.ts'
import { buildOpenApiDocument } from './openapi.ts'
import type { ApiRoute } from './route.ts'
import { apiRoutes } from './routes.ts'

export interface RateLimits {
  /** Requests per key per window. */
  requests: number
  windowMs: number
}

/**
 * Per key, sized so one integration can use the whole of a small server
 * (about 300 requests a second on two cores) but cannot queue up more than
 * that, and a runaway script meets 429s rather than starving the portal.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = { requests: 3_000, windowMs: 10_000 }

export interface ApiDeps {
  db: Db
  temporal: Client
  env: Env
  limits?: RateLimits
}

/** `/tickets/{number}` → `/tickets/:number` */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1')
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function createApiRouter(deps: ApiDeps): express.Router {
  const router = express.Router({ caseSensitive: true, strict: false })
  const document = buildOpenApiDocument(apiRoutes)

  router.use((_req, res, next) => {
    // Answers are per key and change with every command: nothing may be cached.
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
    next()
  })

  router.get('/openapi.json', (_req, res) => {
    res.json(document)
  })

  router.use(authenticate(deps.db))
  router.use(
    rateLimit({
      windowMs: (deps.limits ?? DEFAULT_RATE_LIMITS).windowMs,
      limit: (deps.limits ?? DEFAULT_RATE_LIMITS).requests,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (_req, res) => (res.locals.principal as ApiPrincipal).keyId,
      handler: (req, res) => {
        const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime
        const seconds = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + 1000) - Date.now()) / 1000))
        sendError(
          res,
          new ApiError(429, 'rate_limited', `Too many requests for this API key; retry in ${seconds} s.`, undefined, {
            'Retry-After': String(seconds),
          }),
        )
      },
    }),
  )
  router.use(
    express.json({
      limit: BODY_LIMIT_BYTES,
      type: ['application/json', 'application/*+json'],
      // Invalid UTF-8 is refused rather than decoded into replacement characters.
      verify: (_req, _res, buffer) => {
        try {
          utf8.decode(buffer)
        } catch {
          throw Object.assign(new Error('The body is not valid UTF-8'), { status: 400, type: 'encoding.invalid' })
        }
      },
    }),
  )

  for (const route of apiRoutes) router[route.method](expressPath(route.path), handlerFor(deps, route))

  // A known path asked with another method: 405 and what it does allow.
  const methodsByPath = new Map<string, string[]>()
  for (const route of apiRoutes) methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method.toUpperCase()])
  for (const [path, methods] of methodsByPath)
    router.all(expressPath(path), (_req, res) => {
      const allow = methods.includes('GET') ? [...methods, 'HEAD'] : methods
      sendError(res, new ApiError(405, 'method_not_allowed', `Use ${allow.join(' or ')} here.`, undefined, { Allow: allow.join(', ') }))
    })
  router.use((req, res) => sendError(res, new ApiError(404, 'not_found', `No API endpoint at ${req.method} ${req.baseUrl}${req.path}.`)))
  router.use(apiErrorHandler)
  return router
}

function requestHasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
}

function authenticate(db: Db): RequestHandler {
  return asyncHandler(async (req, res, next) => {
    const header = req.get('authorization') ?? ''
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match) {
      throw new ApiError(401, 'unauthorized', 'Send your API key as `Authorization: Bearer <key>`.', undefined, {
        'WWW-Authenticate': 'Bearer realm="caseway"',
      })
    }
    const check = await authenticateApiKey(db, match[1]!)
    if (check.status !== 'ok') {
      throw new ApiError(
        401,
        'unauthorized',
        check.status === 'revoked' ? 'This API key has been revoked.' : 'This API key is not valid.',
        undefined,
        { 'WWW-Authenticate': 'Bearer realm="caseway", error="invalid_token"' },
      )
    }
    res.locals.principal = check.principal
    req.log = req.log.child({ apiKey: check.principal.prefix, orgId: check.principal.orgId })
    next()
  })
}

/** Parses path, query and body with the route's schemas (400 naming every problem), then runs it. */
function handlerFor(deps: ApiDeps, route: ApiRoute): RequestHandler {
  return asyncHandler(async (req: Request, res: Response) => {
    const problems: ApiError[] = []
    const parse = <S extends z.ZodType | undefined>(schema: S, value: unknown, where: 'path' | 'query' | 'body') => {
      if (!schema) return undefined
      const parsed = schema.safeParse(value)
      if (parsed.success) return parsed.data
      problems.push(invalidRequest(where, parsed.error))
      return undefined
    }
    const params = parse(route.params, { ...req.params }, 'path')
    const query = parse(route.query ?? z.strictObject({}), queryObject(req, problems), 'query')
    let rawBody: unknown
    let uploads: Upload[] = []
    if (route.body) {
      ;({ rawBody, uploads } = await bodyOf(req, route))
      parse(route.body, rawBody, 'body')
    } else if (requestHasBody(req) && req.method !== 'GET') {
      problems.push(new ApiError(400, 'invalid_request', 'This endpoint takes no body.', [{ path: 'body', message: 'Must be empty' }]))
    }
    if (problems.length) {
      // One 400 naming every problem, wherever it was.
      const details = problems.flatMap((problem) => (problem.details as { path: string; message: string }[] | undefined) ?? [])
      throw new ApiError(
        400,
        problems[0]!.code,
        problems.length === 1 ? problems[0]!.message : `Invalid request: ${details.length} problems.`,
        details,
      )
    }
    const body = route.body ? route.body.parse(rawBody) : undefined
    const answer = await route.handle(
      { db: deps.db, temporal: deps.temporal, env: deps.env, log: req.log as Logger, principal: res.locals.principal as ApiPrincipal },
      {
        params,
        query,
        body,
        rawBody,
        header: (name) => {
          const value = req.headers[name.toLowerCase()]
          return Array.isArray(value) ? value.join(', ') : value
        },
        uploads,
      },
    )
    res.set(answer.headers ?? {})
    if (answer.response) {
      res.status(answer.status).set(Object.fromEntries(answer.response.headers))
      if (answer.response.body) await pipeline(Readable.fromWeb(answer.response.body as NodeReadableStream), res)
      else res.end()
      return
    }
    res.status(answer.status).json(answer.body)
  })
}

/** The query string as single values; a parameter given twice is a problem, not an array. */
function queryObject(req: Request, problems: ApiError[]): Record<string, string> {
  const search = new URL(req.originalUrl, 'http://api.invalid').searchParams
  const values: Record<string, string> = {}
  const repeated: { path: string; message: string }[] = []
  for (const [key, value] of search) {
    if (key in values) repeated.push({ path: `query.${key}`, message: 'Give this parameter once' })
    values[key] = value
  }
  if (repeated.length) problems.push(new ApiError(400, 'invalid_request', 'A query parameter was given more than once.', repeated))
  return values
}

/**
 * The body before validation, and any files: JSON, or for routes that take
 * uploads a multipart form whose `payload` part is the JSON. `{}` for an optional
 * body left out; 415 for any other media type.
 */
async function bodyOf(req: Request, route: ApiRoute): Promise<{ rawBody: unknown; uploads: Upload[] }> {
  if (!requestHasBody(req)) {
    if (route.bodyOptional) return { rawBody: {}, uploads: [] }
    throw new ApiError(400, 'invalid_request', 'A JSON body is required.', [{ path: 'body', message: 'Required' }])
  }
  if (route.uploads && req.is('multipart/form-data')) return multipartBodyOf(req)
  if (!req.is('application/json') && !req.is('application/*+json'))
    throw new ApiError(
      415,
      'unsupported_media_type',
      route.uploads
        ? 'Send the body as JSON (`Content-Type: application/json`), or with files as `multipart/form-data`.'
        : 'Send the body as JSON with `Content-Type: application/json`.',
    )
  return { rawBody: req.body, uploads: [] }
}

async function multipartBodyOf(req: Request): Promise<{ rawBody: unknown; uploads: Upload[] }> {
  const form = await readMultipart(req.get('content-type') ?? '', req).catch((error: unknown) => {
    throw new ApiError(400, 'invalid_request', `The multipart body could not be read: ${error instanceof Error ? error.message : error}`)
  })
  if (!form.ok) {
    if (form.tooLarge) throw new ApiError(413, 'payload_too_large', form.error)
    throw new ApiError(422, 'unprocessable', form.error, [{ path: 'attachments', message: form.error }])
  }
  // Text in a file's field is no file: dropping it would lose what the client meant to attach.
  if (form.formData.has('attachments'))
    throw new ApiError(400, 'invalid_request', 'Send each `attachments` part as a file (with a filename).', [
      { path: 'body.attachments', message: 'Must be a file' },
    ])
  const payload = form.formData.get('payload')
  if (typeof payload !== 'string')
    throw new ApiError(400, 'invalid_request', 'A multipart body carries its JSON in a `payload` part.', [
      { path: 'body.payload', message: 'Required' },
    ])
  try {
    return { rawBody: JSON.parse(payload), uploads: form.uploads }
  } catch {
    throw new ApiError(400, 'invalid_json', 'The `payload` part is not valid JSON.', [{ path: 'body.payload', message: 'Not valid JSON' }])
  }
}

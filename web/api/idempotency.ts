/**
 * Idempotency-Key on the creating POSTs (a ticket, a case, a case's next
 * action, a bulk change). The first request with a key inserts an IdempotencyRecord; the unique
 * (orgId, key) constraint makes that insert the one decision point, so of any
 * number of concurrent retries exactly one goes on to create. The others wait
 * for it and answer with the same resource, or 422 if their request differs.
 *
 * The record is pointed at what was made (its kind and ids) inside the
 * transaction that writes it, and marked done once the answer is known. A failed
 * creation deletes the record, so a retry can try again.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { Prisma } from '../../generated/prisma/client.ts'
import type { Db } from '../../lib/db.ts'
import { ApiError, invalidRequest } from './errors.ts'
import type { ApiAnswer, ApiContext } from './route.ts'
import { IdempotencyKeyHeader } from './schemas.ts'

/** Longer than any creation can take (a transaction and the workflow's first save, 10 s at most): a record this old with no answer was abandoned. */
const ABANDONED_AFTER_MS = 60_000
const POLL_MS = 50
/** How long a retry waits for the first request with its Idempotency-Key to finish. */
const IDEMPOTENCY_WAIT_MS = 15_000

/** What a record names, as stored in its `response`. */
const IdempotentResourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ticket'), ticketId: z.string(), number: z.number() }),
  z.object({ kind: z.literal('case'), caseId: z.string(), caseRef: z.string() }),
  z.object({ kind: z.literal('caseAction'), caseId: z.string(), actionId: z.string() }),
  z.object({ kind: z.literal('bulkJob'), jobId: z.string() }),
  z.object({ kind: z.literal('task'), taskId: z.string() }),
])

export type IdempotentResource = z.infer<typeof IdempotentResourceSchema>
type ResourceKind = IdempotentResource['kind']
type ResourceOf<K extends ResourceKind> = Extract<IdempotentResource, { kind: K }>

/** The status of a creation whose resource was written but whose creator vanished before answering. */
const CREATED_STATUS: Record<ResourceKind, number> = { ticket: 201, case: 201, caseAction: 200, bulkJob: 202, task: 201 }

type Claim<K extends ResourceKind> =
  | { kind: 'claimed'; recordId: string }
  | { kind: 'done'; status: number; resource: ResourceOf<K> }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' }

/** The same JSON, however its keys were ordered or spaced. */
function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex')
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002'
}

function resourceOf<K extends ResourceKind>(response: unknown, kind: K): ResourceOf<K> | null {
  const parsed = IdempotentResourceSchema.safeParse(response)
  return parsed.success && parsed.data.kind === kind ? (parsed.data as ResourceOf<K>) : null
}

/** Takes the key for this request, or says what became of the request that took it first. */
async function claimIdempotencyKey<K extends ResourceKind>(
  db: Db,
  input: { orgId: string; key: string; requestHash: string; kind: K },
): Promise<Claim<K>> {
  const { orgId, key } = input
  const giveUpAt = Date.now() + IDEMPOTENCY_WAIT_MS
  for (;;) {
    try {
      const record = await db.idempotencyRecord.create({ data: { orgId, key, requestHash: input.requestHash }, select: { id: true } })
      return { kind: 'claimed', recordId: record.id }
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
    const record = await db.idempotencyRecord.findUnique({ where: { orgId_key: { orgId, key } } })
    // Released (its creation failed) between our insert and this read: try to take it.
    if (!record) continue
    if (record.requestHash !== input.requestHash) return { kind: 'mismatch' }
    const resource = resourceOf(record.response, input.kind)
    if (record.status !== null && resource) return { kind: 'done', status: record.status, resource }
    if (Date.now() - record.createdAt.getTime() > ABANDONED_AFTER_MS) {
      if (resource) {
        // The resource committed, then its creator vanished before saying so: it stands.
        const status = CREATED_STATUS[input.kind]
        await db.idempotencyRecord.updateMany({ where: { id: record.id, status: null }, data: { status } })
        return { kind: 'done', status, resource }
      }
      // Nothing was created: whoever deletes it first may start again.
      await db.idempotencyRecord.deleteMany({ where: { id: record.id, status: null, response: { equals: Prisma.DbNull } } })
      continue
    }
    if (Date.now() >= giveUpAt) return { kind: 'in_progress' }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

/** Called inside the transaction that writes the resource, so the record names it exactly when it exists. */
export type RecordResource<K extends ResourceKind> = (tx: Prisma.TransactionClient, resource: Omit<ResourceOf<K>, 'kind'>) => Promise<void>

/**
 * Runs a creating request once per Idempotency-Key. The key is the caller's for
 * one request: the operation, its path parameters and its body, hashed, so the
 * same key sent elsewhere or with another body is refused with 422. Without a
 * key, `create` simply runs.
 */
export async function idempotently<K extends ResourceKind>(
  ctx: ApiContext,
  request: {
    kind: K
    operation: string
    params?: unknown
    rawBody: unknown
    header: (name: string) => string | undefined
    create: (record: RecordResource<K>) => Promise<ApiAnswer>
    /** The answer naming what an earlier request with the key made. */
    replay: (resource: ResourceOf<K>) => Promise<ApiAnswer>
  },
): Promise<ApiAnswer> {
  const key = request.header('idempotency-key')
  if (key === undefined) return request.create(async () => {})
  const parsedKey = IdempotencyKeyHeader.safeParse(key)
  if (!parsedKey.success)
    throw invalidRequest('header', new z.ZodError(parsedKey.error.issues.map((i) => ({ ...i, path: ['Idempotency-Key'] }))))
  const claim = await claimIdempotencyKey(ctx.db, {
    orgId: ctx.principal.orgId,
    key: parsedKey.data,
    requestHash: requestHash({ operation: request.operation, params: request.params ?? null, body: request.rawBody ?? null }),
    kind: request.kind,
  })
  switch (claim.kind) {
    case 'mismatch':
      throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request.')
    case 'in_progress':
      throw new ApiError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.', undefined, {
        'Retry-After': '1',
      })
    case 'done': {
      const answer = await request.replay(claim.resource)
      return { ...answer, status: claim.status, headers: { ...answer.headers, 'Idempotent-Replayed': 'true' } }
    }
    case 'claimed': {
      const record: RecordResource<K> = async (tx, resource) => {
        await tx.idempotencyRecord.update({ where: { id: claim.recordId }, data: { response: { ...resource, kind: request.kind } } })
      }
      let answer: ApiAnswer
      try {
        answer = await request.create(record)
      } catch (error) {
        await releaseIdempotencyKey(ctx.db, claim.recordId)
        throw error
      }
      await ctx.db.idempotencyRecord.update({ where: { id: claim.recordId }, data: { status: answer.status } })
      return answer
    }
  }
}

async function releaseIdempotencyKey(db: Db, recordId: string): Promise<void> {
  await db.idempotencyRecord.deleteMany({ where: { id: recordId } })
}

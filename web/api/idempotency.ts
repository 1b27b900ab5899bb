/**
 * Idempotency-Key on POST /tickets. The first request with a key inserts an
 * IdempotencyRecord; the unique (orgId, key) constraint makes that insert the
 * one decision point, so of any number of concurrent retries exactly one goes
 * on to create the ticket. The others wait for it and answer with the same
 * ticket, or 422 if their body differs.
 *
 * The record is pointed at the ticket inside the transaction that creates it
 * (createTicket's `inTransaction`), and marked done once the workflow answered.
 * A failed creation deletes the record, so a retry can try again.
 */
import { createHash } from 'node:crypto'
import { Prisma } from '../../generated/prisma/client.ts'
import type { Db } from '../../lib/db.ts'

/** Longer than any creation can take (a transaction and the workflow's first save, 10 s at most): a record this old with no answer was abandoned. */
const ABANDONED_AFTER_MS = 60_000
const POLL_MS = 50

export interface IdempotentTicket {
  ticketId: string
  number: number
}

export type Claim =
  | { kind: 'claimed'; recordId: string }
  | { kind: 'done'; status: number; ticket: IdempotentTicket }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' }

/** The same JSON, however its keys were ordered or spaced. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex')
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

function ticketOf(response: unknown): IdempotentTicket | null {
  const { ticketId, number } = (response ?? {}) as Partial<IdempotentTicket>
  return typeof ticketId === 'string' && typeof number === 'number' ? { ticketId, number } : null
}

/** Takes the key for this request, or says what became of the request that took it first. */
export async function claimIdempotencyKey(
  db: Db,
  input: { orgId: string; key: string; requestHash: string; waitMs: number },
): Promise<Claim> {
  const { orgId, key } = input
  const giveUpAt = Date.now() + input.waitMs
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
    const ticket = ticketOf(record.response)
    if (record.status !== null && ticket) return { kind: 'done', status: record.status, ticket }
    if (Date.now() - record.createdAt.getTime() > ABANDONED_AFTER_MS) {
      if (ticket) {
        // The ticket committed, then its creator vanished before saying so: it stands.
        await db.idempotencyRecord.updateMany({ where: { id: record.id, status: null }, data: { status: 201 } })
        return { kind: 'done', status: 201, ticket }
      }
      // Nothing was created: whoever deletes it first may start again.
      await db.idempotencyRecord.deleteMany({ where: { id: record.id, status: null, response: { equals: Prisma.DbNull } } })
      continue
    }
    if (Date.now() >= giveUpAt) return { kind: 'in_progress' }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

/** Inside the creating transaction: the record now names its ticket. */
export async function recordTicket(tx: Prisma.TransactionClient, recordId: string, ticket: IdempotentTicket): Promise<void> {
  await tx.idempotencyRecord.update({ where: { id: recordId }, data: { response: { ...ticket } } })
}

export async function completeIdempotencyKey(db: Db, recordId: string, status: number): Promise<void> {
  await db.idempotencyRecord.update({ where: { id: recordId }, data: { status } })
}

export async function releaseIdempotencyKey(db: Db, recordId: string): Promise<void> {
  await db.idempotencyRecord.deleteMany({ where: { id: recordId } })
}

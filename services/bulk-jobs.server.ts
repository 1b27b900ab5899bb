/** Reading a bulk job back: its progress and what became of each of its tickets. */
import { z } from 'zod'
import { BulkActionSchema } from '../domain/bulk-changes.ts'
import type { Db } from '../lib/db.ts'
import { ticketScope, ticketScopeWhere } from './ticket-access.server.ts'

/** Whose job it is: its organisation's id, or null (no such job, or not an id). */
export async function bulkJobOrganisation(db: Db, jobId: string): Promise<string | null> {
  if (!z.uuid().safeParse(jobId).success) return null
  return (await db.bulkJob.findUnique({ where: { id: jobId }, select: { orgId: true } }))?.orgId ?? null
}

/**
 * The organisation's job, with the items on tickets the reader may see (a
 * colleague restricted to departments does not learn of others' tickets), by
 * ticket number; null for any other organisation's job, or a malformed id.
 */
export async function bulkJobFor(db: Db, input: { orgId: string; jobId: string; readerId: string | null }) {
  if (!z.uuid().safeParse(input.jobId).success) return null
  const job = await db.bulkJob.findFirst({
    where: { id: input.jobId, orgId: input.orgId },
    select: {
      id: true,
      action: true,
      via: true,
      state: true,
      total: true,
      succeeded: true,
      refused: true,
      failed: true,
      createdAt: true,
      finishedAt: true,
      requestedBy: { select: { name: true, email: true } },
    },
  })
  if (!job) return null
  const scope = input.readerId ? await ticketScope(db, { orgId: input.orgId, userId: input.readerId }) : ({ kind: 'all' } as const)
  const items = await db.bulkJobItem.findMany({
    where: { jobId: job.id, ticket: ticketScopeWhere(scope) },
    orderBy: { ticket: { number: 'asc' } },
    select: { outcome: true, reason: true, finishedAt: true, ticket: { select: { number: true, subject: true } } },
  })
  return { ...job, action: BulkActionSchema.parse(job.action), items }
}

export type BulkJobReport = NonNullable<Awaited<ReturnType<typeof bulkJobFor>>>

/**
 * Tags: names the team puts on tickets ("Tribunal prep"), one per case-folded
 * name in an organisation, so "welsh la" joins "Welsh LA" (domain/tags.ts).
 * Plain records, not lifecycle: each change is written here with its audit
 * record in the same transaction, and the ticket's changes show on its
 * timeline (ticket-history.server.ts). Families never see tags.
 */
import { z } from 'zod'
import { tagKey, tidyTagName } from '../domain/tags.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'

type TicketRef = { id: string; orgId: string; number: number }
export type TagSummary = { id: string; name: string }

/** The organisation's tags, A to Z, each with how many tickets carry it. */
export async function organisationTags(db: Db, orgId: string) {
  const tags = await db.tag.findMany({
    where: { orgId },
    orderBy: { key: 'asc' },
    select: { id: true, name: true, _count: { select: { tickets: true } } },
  })
  return tags.map((t) => ({ id: t.id, name: t.name, tickets: t._count.tickets }))
}

/** One of the organisation's tags, or null (another organisation's id, or not an id, finds nothing). */
export async function organisationTag(db: Db, orgId: string, id: string): Promise<TagSummary | null> {
  if (!z.uuid().safeParse(id).success) return null
  return db.tag.findFirst({ where: { id, orgId }, select: { id: true, name: true } })
}

/** The tag of that name (in any case or spacing), or null. */
export async function tagNamed(db: Db, orgId: string, name: string): Promise<TagSummary | null> {
  return db.tag.findUnique({ where: { orgId_key: { orgId, key: tagKey(name) } }, select: { id: true, name: true } })
}

export async function ticketTags(db: Db, ticketId: string): Promise<TagSummary[]> {
  const rows = await db.ticketTag.findMany({
    where: { ticketId },
    select: { tag: { select: { id: true, name: true } } },
    orderBy: { tag: { key: 'asc' } },
  })
  return rows.map((r) => r.tag)
}

/**
 * Puts the tag of that name on the ticket, making the tag if the organisation
 * has none of that name yet; `added` is false when the ticket already had it.
 */
export async function addTicketTag(
  db: Db,
  input: AuditActor & { ticket: TicketRef; name: string },
): Promise<{ tag: TagSummary; added: boolean }> {
  return db.$transaction((tx) => putTagOn(tx, input))
}

/** addTicketTag inside a transaction of the caller's (a new ticket taking its template's tags). */
export async function putTagOn(
  tx: Prisma.TransactionClient,
  input: AuditActor & { ticket: TicketRef; name: string },
): Promise<{ tag: TagSummary; added: boolean }> {
  const { ticket } = input
  const tag = await tagOrNew(tx, ticket.orgId, input.name)
  const { count } = await tx.ticketTag.createMany({
    data: [{ ticketId: ticket.id, tagId: tag.id, addedById: input.actorId }],
    skipDuplicates: true,
  })
  if (count === 0) return { tag, added: false }
  await recordAudit(tx, {
    orgId: ticket.orgId,
    actorId: input.actorId,
    via: input.via,
    action: 'tag.added',
    data: { ticketId: ticket.id, ticketNumber: ticket.number, tagId: tag.id, name: tag.name },
  })
  return { tag, added: true }
}

/**
 * The organisation's tag of that name, made if it has none. An upsert on the
 * unique key: two people adding "Welsh LA" at once make one tag (one of them may
 * be refused by the key, and finds the tag when it tries again). A bulk change
 * makes its tag first, so its tickets' concurrent adds all find it.
 */
export async function tagOrNew(db: Pick<Db, 'tag'>, orgId: string, name: string): Promise<TagSummary> {
  const tidy = tidyTagName(name)
  return db.tag.upsert({
    where: { orgId_key: { orgId, key: tagKey(tidy) } },
    create: { orgId, name: tidy, key: tagKey(tidy) },
    update: {},
    select: { id: true, name: true },
  })
}

/** Takes the tag off the ticket; false when the ticket did not have it. */
export async function removeTicketTag(db: Db, input: AuditActor & { ticket: TicketRef; tagId: string }): Promise<boolean> {
  const { ticket } = input
  return db.$transaction(async (tx) => {
    const tag = await tx.tag.findFirst({ where: { id: input.tagId, orgId: ticket.orgId }, select: { id: true, name: true } })
    if (!tag) return false
    const { count } = await tx.ticketTag.deleteMany({ where: { ticketId: ticket.id, tagId: tag.id } })
    if (count === 0) return false
    await recordAudit(tx, {
      orgId: ticket.orgId,
      actorId: input.actorId,
      via: input.via,
      action: 'tag.removed',
      data: { ticketId: ticket.id, ticketNumber: ticket.number, tagId: tag.id, name: tag.name },
    })
    return true
  })
}

export type RenameResult =
  { status: 'renamed' | 'unchanged'; tag: TagSummary } | { status: 'not_found' } | { status: 'taken'; other: TagSummary }

/**
 * Renames a tag on every ticket at once. A new name that another tag already
 * has is refused (`taken`): merging the two is the admin's choice, not a rename's.
 */
export async function renameTag(db: Db, input: AuditActor & { orgId: string; tagId: string; name: string }): Promise<RenameResult> {
  const name = tidyTagName(input.name)
  return db.$transaction(async (tx) => {
    const tag = await tx.tag.findFirst({ where: { id: input.tagId, orgId: input.orgId }, select: { id: true, name: true } })
    if (!tag) return { status: 'not_found' as const }
    if (tag.name === name) return { status: 'unchanged' as const, tag }
    const other = await tx.tag.findFirst({
      where: { orgId: input.orgId, key: tagKey(name), id: { not: tag.id } },
      select: { id: true, name: true },
    })
    if (other) return { status: 'taken' as const, other }
    const renamed = await tx.tag.update({ where: { id: tag.id }, data: { name, key: tagKey(name) }, select: { id: true, name: true } })
    await recordAudit(tx, { ...input, action: 'tag.renamed', data: { tagId: tag.id, from: tag.name, name } })
    return { status: 'renamed' as const, tag: renamed }
  })
}

export type MergeResult = { status: 'merged'; into: TagSummary; moved: number } | { status: 'not_found' } | { status: 'same' }

/**
 * Merges one tag into another everywhere, in one transaction: every ticket
 * with `fromId` carries `intoId` instead (once, if it had both), and `fromId` is gone.
 */
export async function mergeTags(db: Db, input: AuditActor & { orgId: string; fromId: string; intoId: string }): Promise<MergeResult> {
  if (input.fromId === input.intoId) return { status: 'same' }
  return db.$transaction(async (tx) => {
    const tags = await tx.tag.findMany({
      where: { orgId: input.orgId, id: { in: [input.fromId, input.intoId] } },
      select: { id: true, name: true },
    })
    const from = tags.find((t) => t.id === input.fromId)
    const into = tags.find((t) => t.id === input.intoId)
    if (!from || !into) return { status: 'not_found' as const }
    // Lock the tag being merged away, so a ticket tagged with it meanwhile waits and then fails rather than being lost.
    await tx.$executeRaw`SELECT 1 FROM "Tag" WHERE "id" = ${from.id}::uuid FOR UPDATE`
    const moved = await tx.$executeRaw`
      INSERT INTO "TicketTag" ("ticketId", "tagId", "addedById", "addedAt")
      SELECT tt."ticketId", ${into.id}::uuid, tt."addedById", tt."addedAt" FROM "TicketTag" tt WHERE tt."tagId" = ${from.id}::uuid
      ON CONFLICT ("ticketId", "tagId") DO NOTHING`
    await tx.tag.delete({ where: { id: from.id } })
    await recordAudit(tx, {
      orgId: input.orgId,
      actorId: input.actorId,
      via: input.via,
      action: 'tag.merged',
      data: { tagId: into.id, fromId: from.id, from: from.name, name: into.name, moved },
    })
    return { status: 'merged' as const, into, moved }
  })
}

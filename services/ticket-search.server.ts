/**
 * Search that finds what was said: a ticket matches by its number, its subject,
 * child or case reference, its family's name, its tags, or any word of its
 * messages (internal notes for staff only). Message words come from one row per
 * ticket kept by triggers on Message (prisma/migrations/20261208503000_ticket_search),
 * so a common word costs one index entry per ticket, not per message, and the
 * organisation narrows the same index. The staff queue (queue.server.ts) and the
 * family's own requests (familyTicketSearch) share these predicates.
 */
import { Prisma, type Priority, type SlaState, type TicketStatus, type TicketType } from '../generated/prisma/client.ts'
import type { ServiceContext } from './context.ts'
import { prefixTsQuery, searchWords, ticketNumberIn } from './queue-query.server.ts'

/** Who searches: staff read internal notes, families only what was said to them. */
type Searcher = 'staff' | 'family'

/** The matching passage's marks: control characters that text does not carry (and the pieces are shown as text either way). */
export const PASSAGE_MARK = { start: '\u0002', stop: '\u0003' } as const

/** The subject, child and case reference, as Ticket_subject_search_idx indexes them (the same expression, or it is not used). */
const ticketWords = (x: Prisma.Sql) =>
  Prisma.sql`to_tsvector('simple', ${x}."subject" || ' ' || coalesce(${x}."childName", '') || ' ' || coalesce(${x}."caseRef", ''))`

/**
 * The condition on `t` (a Ticket) for a search text, or null when the text has
 * nothing to search by, in one of two forms:
 * - `gather`: every way a ticket can match is a source of ticket ids, found
 *   through its own index, and one IN (...) over them. Right when the matches
 *   are few, and for counting them (a word every ticket has costs one probe a ticket).
 * - `probe`: each ticket a page walks is tried in turn (its words by primary
 *   key). Right when the matches are many: a page of them is found at once.
 * Staff search within an organisation; a family's own few tickets are probed.
 */
export function searchPredicate(
  input: { text: string; form: 'gather' | 'probe' } & ({ orgId: string; searcher: 'staff' } | { searcher: 'family' }),
): Prisma.Sql | null {
  const number = ticketNumberIn(input.text)
  const tsquery = prefixTsQuery(input.text)
  if (number === null && tsquery === null) return null
  const query = Prisma.sql`to_tsquery('simple', ${tsquery ?? ''})`
  const staff = input.searcher === 'staff'
  const conditions = (x: Prisma.Sql) => {
    const own = number === null ? [] : [Prisma.sql`${x}."number" = ${number}`]
    // As typed, since its words alone ("LEEDS-4471" is "leeds" and "-4471") would not find it.
    if (staff) own.push(Prisma.sql`${x}."caseRef" = ${input.text.trim()}`)
    if (tsquery !== null) own.push(Prisma.sql`${ticketWords(x)} @@ ${query}`)
    if (tsquery !== null && staff)
      own.push(Prisma.sql`${x}."requesterId" = ANY(ARRAY(SELECT u."id" FROM "User" u WHERE to_tsvector('simple', u."name") @@ ${query}))`)
    return own
  }
  const words = Prisma.raw(staff ? '"staff"' : '"everyone"')
  // Families never see tags, so only staff match by them.
  const tagged = Prisma.sql`SELECT tt."ticketId" FROM "TicketTag" tt JOIN "Tag" g ON g."id" = tt."tagId" WHERE to_tsvector('simple', g."name") @@ ${query}`
  if (input.searcher === 'family' || input.form === 'probe') {
    const matches = conditions(Prisma.raw('t'))
    if (tsquery !== null) {
      matches.push(Prisma.sql`EXISTS (SELECT 1 FROM "TicketSearch" s WHERE s."ticketId" = t."id" AND s.${words} @@ ${query})`)
      if (staff) matches.push(Prisma.sql`EXISTS (${tagged} AND tt."ticketId" = t."id")`)
    }
    return Prisma.sql`(${Prisma.join(matches, ' OR ')})`
  }
  const org = Prisma.sql`${input.orgId}::uuid`
  const sources = [
    Prisma.sql`SELECT x."id" FROM "Ticket" x WHERE x."orgId" = ${org} AND (${Prisma.join(conditions(Prisma.raw('x')), ' OR ')})`,
  ]
  if (tsquery !== null)
    sources.push(
      Prisma.sql`SELECT s."ticketId" FROM "TicketSearch" s WHERE s."orgId" = ${org} AND s."staff" @@ ${query}`,
      Prisma.sql`${tagged} AND g."orgId" = ${org}`,
    )
  return Prisma.sql`t."id" IN (${Prisma.join(sources, ' UNION ALL ')})`
}

/**
 * The newest message of ticket `t` the searcher may read that has any of the
 * words, as a short passage with the words between PASSAGE_MARK; null when the
 * ticket matched by something else. Run for a page of rows only.
 */
export function passageSql(input: { text: string; searcher: Searcher }): Prisma.Sql {
  const words = searchWords(input.text)
  if (!words.length) return Prisma.sql`NULL::text`
  const query = Prisma.sql`to_tsquery('simple', ${words.map((w) => `${w}:*`).join(' | ')})`
  const visible = input.searcher === 'staff' ? Prisma.empty : Prisma.sql`AND m."visibility" = 'public'`
  const options = `StartSel=${PASSAGE_MARK.start}, StopSel=${PASSAGE_MARK.stop}, MaxWords=24, MinWords=10, MaxFragments=1`
  return Prisma.sql`(SELECT ts_headline('simple', m."body", ${query}, ${options}) FROM "Message" m
    WHERE m."ticketId" = t."id" ${visible} AND to_tsvector('simple', m."body") @@ ${query}
    ORDER BY m."createdAt" DESC LIMIT 1)`
}

/** A passage split into plain and matched pieces, for a screen to mark without trusting HTML. */
export function passagePieces(passage: string): { text: string; matched: boolean }[] {
  const pieces: { text: string; matched: boolean }[] = []
  for (const [i, part] of passage.split(PASSAGE_MARK.start).entries()) {
    const [matched, rest] = i === 0 ? [undefined, part] : part.split(PASSAGE_MARK.stop)
    if (matched) pieces.push({ text: matched, matched: true })
    if (rest) pieces.push({ text: rest, matched: false })
  }
  return pieces
}

export interface FamilySearchHit {
  id: string
  passage: string | null
}

/** The family's own requests (across organisations) that match, newest first, with the passage each matched by. */
export async function familyTicketSearch(
  ctx: Pick<ServiceContext, 'db'>,
  input: { requesterId: string; text: string; take: number },
): Promise<FamilySearchHit[]> {
  const matches = searchPredicate({ text: input.text, searcher: 'family', form: 'probe' })
  if (!matches) return []
  return await ctx.db.$queryRaw<FamilySearchHit[]>`
    SELECT t."id", ${passageSql({ text: input.text, searcher: 'family' })} AS "passage"
    FROM "Ticket" t
    WHERE t."requesterId" = ${input.requesterId}::uuid AND ${matches}
    ORDER BY t."lastActivityAt" DESC, t."id" DESC LIMIT ${input.take}`
}

/** The plain filters a ticket list combines with a search (AND). */
export interface TicketListFilters {
  status?: TicketStatus
  slaState?: SlaState
  type?: TicketType
  priority?: Priority
  tagKey?: string
  updatedSince?: Date
  /** null: unassigned only. */
  assigneeId?: string | null
}

export interface TicketListHit {
  id: string
  passage: string | null
}

/**
 * One page of an organisation's tickets, oldest update first (the API's order, to
 * follow changes), strictly after `after`, each with the passage a search matched
 * by. Without search text it is the filters alone.
 */
export async function ticketListPage(
  ctx: Pick<ServiceContext, 'db'>,
  input: { orgId: string; filters: TicketListFilters; text?: string; after: { at: Date; number: number } | null; take: number },
): Promise<TicketListHit[]> {
  const { filters, orgId } = input
  const where = [Prisma.sql`t."orgId" = ${orgId}::uuid`]
  if (filters.status) where.push(Prisma.sql`t."status" = ${filters.status}::"TicketStatus"`)
  if (filters.slaState) where.push(Prisma.sql`t."slaState" = ${filters.slaState}::"SlaState"`)
  if (filters.type) where.push(Prisma.sql`t."type" = ${filters.type}::"TicketType"`)
  if (filters.priority) where.push(Prisma.sql`t."priority" = ${filters.priority}::"Priority"`)
  if (filters.tagKey)
    where.push(
      Prisma.sql`EXISTS (SELECT 1 FROM "TicketTag" tt JOIN "Tag" g ON g."id" = tt."tagId" WHERE tt."ticketId" = t."id" AND g."orgId" = ${orgId}::uuid AND g."key" = ${filters.tagKey})`,
    )
  if (filters.updatedSince) where.push(Prisma.sql`t."lastActivityAt" >= ${filters.updatedSince.toISOString()}::timestamp`)
  if (filters.assigneeId === null) where.push(Prisma.sql`t."assigneeId" IS NULL`)
  else if (filters.assigneeId) where.push(Prisma.sql`t."assigneeId" = ${filters.assigneeId}::uuid`)
  if (input.after)
    where.push(Prisma.sql`(t."lastActivityAt", t."number") > (${input.after.at.toISOString()}::timestamp, ${input.after.number}::int)`)
  const text = input.text?.trim() ?? ''
  if (text) where.push(searchPredicate({ orgId, text, searcher: 'staff', form: 'gather' }) ?? Prisma.sql`FALSE`)
  const passage = text ? passageSql({ text, searcher: 'staff' }) : Prisma.sql`NULL::text`
  return await ctx.db.$queryRaw<TicketListHit[]>`
    SELECT t."id", ${passage} AS "passage" FROM "Ticket" t
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY t."lastActivityAt" ASC, t."number" ASC LIMIT ${input.take}`
}

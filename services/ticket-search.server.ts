/**
 * Search that finds what was said: a ticket matches by its number, its subject,
 * child or case reference, its family's name, its tags, or any word of its
 * messages (internal notes for staff only). Message words come from one row per
 * ticket kept by triggers on Message (prisma/migrations/20261208503000_ticket_search),
 * so a common word costs one index entry per ticket, not per message, and the
 * organisation narrows the same index. The staff queue (queue.server.ts) and the
 * family's own requests (familyTicketSearch) share these predicates.
 */
import { Prisma } from '../generated/prisma/client.ts'
import type { ServiceContext } from './context.ts'
import { prefixTsQuery, ticketNumberIn } from './queue-query.server.ts'

/** Who searches: staff read internal notes, families only what was said to them. */
export type Searcher = 'staff' | 'family'

/** The matching passage's marks: control characters that text does not carry (and the pieces are shown as text either way). */
export const PASSAGE_MARK = { start: '\u0002', stop: '\u0003' } as const

/**
 * The condition on `t` (a Ticket) for a search text, or null when the text has
 * nothing to search by. The expressions match the GIN indexes exactly, or they
 * would not be used. Within an organisation each is an = ANY(ARRAY(...)), so the
 * matches are found once and combine as a bitmap OR of indexes rather than a
 * scan; without one (a family's own few tickets) each ticket's words are probed.
 */
export function searchPredicate(input: { orgId: string | null; text: string; searcher: Searcher }): Prisma.Sql | null {
  const number = ticketNumberIn(input.text)
  const tsquery = prefixTsQuery(input.text)
  const matches: Prisma.Sql[] = []
  if (number !== null) matches.push(Prisma.sql`t."number" = ${number}`)
  if (tsquery !== null) {
    const query = Prisma.sql`to_tsquery('simple', ${tsquery})`
    const words = Prisma.raw(input.searcher === 'staff' ? '"staff"' : '"everyone"')
    matches.push(
      Prisma.sql`to_tsvector('simple', t."subject" || ' ' || coalesce(t."childName", '') || ' ' || coalesce(t."caseRef", '')) @@ ${query}`,
      input.orgId === null
        ? Prisma.sql`EXISTS (SELECT 1 FROM "TicketSearch" s WHERE s."ticketId" = t."id" AND s.${words} @@ ${query})`
        : Prisma.sql`t."id" = ANY(ARRAY(SELECT s."ticketId" FROM "TicketSearch" s WHERE s."orgId" = ${input.orgId}::uuid AND s.${words} @@ ${query}))`,
    )
    if (input.searcher === 'staff' && input.orgId !== null) {
      matches.push(
        // As typed, since its words alone ("LEEDS-4471" is "leeds" and "-4471") would not find it.
        Prisma.sql`t."caseRef" = ${input.text.trim()}`,
        Prisma.sql`t."requesterId" = ANY(ARRAY(SELECT u."id" FROM "User" u WHERE to_tsvector('simple', u."name") @@ ${query}))`,
        // Families never see tags, so they never match by them.
        Prisma.sql`t."id" = ANY(ARRAY(SELECT tt."ticketId" FROM "TicketTag" tt JOIN "Tag" g ON g."id" = tt."tagId"
                                      WHERE g."orgId" = ${input.orgId}::uuid AND to_tsvector('simple', g."name") @@ ${query}))`,
      )
    }
  }
  return matches.length ? Prisma.sql`(${Prisma.join(matches, ' OR ')})` : null
}

/**
 * The newest message of ticket `t` the searcher may read that has any of the
 * words, as a short passage with the words between PASSAGE_MARK; null when the
 * ticket matched by something else. Run for a page of rows only.
 */
export function passageSql(input: { text: string; searcher: Searcher }): Prisma.Sql {
  const words = (prefixTsQuery(input.text) ?? '').split(' & ').filter(Boolean)
  if (!words.length) return Prisma.sql`NULL::text`
  const query = Prisma.sql`to_tsquery('simple', ${words.join(' | ')})`
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
  const matches = searchPredicate({ orgId: null, text: input.text, searcher: 'family' })
  if (!matches) return []
  return await ctx.db.$queryRaw<FamilySearchHit[]>`
    SELECT t."id", ${passageSql({ text: input.text, searcher: 'family' })} AS "passage"
    FROM "Ticket" t
    WHERE t."requesterId" = ${input.requesterId}::uuid AND ${matches}
    ORDER BY t."lastActivityAt" DESC, t."id" DESC LIMIT ${input.take}`
}

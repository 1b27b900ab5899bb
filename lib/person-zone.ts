/**
 * A person's time zone, for what is timed by their day (the daily digest and its
 * date, decision 013): the zone of the organisation they joined first. One place
 * for the rule, which the digest workflow's plan, its mail and the account page
 * all read, so they never disagree on when "tomorrow, 08:00" is.
 */
import { DEFAULT_TIMEZONE } from '../domain/business-calendar.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from './db.ts'

interface Membership {
  createdAt: Date
  org: { timezone: string }
}

/** The zone of the oldest membership; without any, the default zone. */
export function zoneOfOldestMembership(memberships: readonly Membership[]): string {
  const oldest = memberships.reduce<Membership | null>((first, m) => (first === null || m.createdAt < first.createdAt ? m : first), null)
  return oldest?.org.timezone ?? DEFAULT_TIMEZONE
}

export async function personZone(db: Db | Prisma.TransactionClient, userId: string): Promise<string> {
  const memberships = await db.membership.findMany({ where: { userId }, select: { createdAt: true, org: { select: { timezone: true } } } })
  return zoneOfOldestMembership(memberships)
}

/** The staff ticket page's Time card: the ticket's entries, their total, and what a new entry starts with. */
import { DateTime } from 'luxon'
import { formatMinutes, TIME_KIND_LABELS } from '../../../../domain/durations.ts'
import { dayOf, mayChangeEntry, ticketTimeEntries } from '../../../../services/time-entries.server.ts'
import type { CasewayContext } from '../../context.ts'
import type { TicketAccess } from '../../utils/permissions.server.ts'

export async function ticketTime(ctx: CasewayContext, access: TicketAccess, timeZone: string) {
  const entries = await ticketTimeEntries(ctx.db, access.ticket.id)
  const person = { id: access.user.id, role: access.role }
  const total = entries.reduce((sum, e) => sum + e.minutes, 0)
  const mine = entries.filter((e) => e.user.id === access.user.id).reduce((sum, e) => sum + e.minutes, 0)
  return {
    total: formatMinutes(total),
    mine: formatMinutes(mine),
    // The day it is now where the organisation works: a new entry's default.
    today: DateTime.now().setZone(timeZone).toISODate() ?? dayOf(new Date()),
    entries: entries.map((e) => ({
      id: e.id,
      who: e.user.name,
      minutes: e.minutes,
      duration: formatMinutes(e.minutes),
      workedOn: dayOf(e.workedOn),
      day: DateTime.fromJSDate(e.workedOn, { zone: 'utc' }).toFormat('d LLL yyyy'),
      kind: e.kind,
      kindLabel: TIME_KIND_LABELS[e.kind],
      note: e.note,
      canChange: mayChangeEntry(e, person),
    })),
  }
}

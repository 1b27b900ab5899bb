import { calendarToday, isCoverActive, isoDateOf } from '../domain/case-cover.ts'
import type { Db } from './db.ts'

/** Who covers the case today, in its organisation's calendar: they hear what its advocate hears. */
export async function activeCoverIds(db: Db, input: { caseId: string; timezone: string; nowMs?: number }): Promise<string[]> {
  const today = calendarToday(input.timezone, input.nowMs ?? Date.now())
  const covers = await db.caseCover.findMany({
    where: { caseId: input.caseId, endedAt: null },
    select: { advocateId: true, startsOn: true, endsOn: true },
  })
  return covers
    .filter((c) => isCoverActive({ startsOn: isoDateOf(c.startsOn), endsOn: c.endsOn && isoDateOf(c.endsOn), ended: false }, today))
    .map((c) => c.advocateId)
}

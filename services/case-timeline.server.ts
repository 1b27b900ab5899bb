/**
 * The statutory timeline as the screens read it: PostgreSQL only. The case
 * workflow's activity keeps `Case.stageDates` and a `CaseDeadline` row per
 * deadline (its state: due, met, overdue, ended, exception); the periods and
 * regulations they came from are worked out again from the same dated data.
 */
import type { StatutoryStage } from '../domain/statutory-periods.ts'
import { STATUTORY_STAGES } from '../domain/statutory-periods.ts'
import { statutoryDeadlines, type StatutoryDeadline, type StatutoryDeadlineState } from '../domain/statutory-timeline.ts'
import type { StatutoryExceptionReason } from '../domain/statutory-periods.ts'
import type { ServiceContext } from './context.ts'

export interface CaseTimeline {
  childName: string | null
  stages: Partial<Record<StatutoryStage, string>>
  deadlines: StatutoryDeadline[]
}

/** A case's stage dates and LA deadlines, each in the state its workflow last saved. */
export async function readCaseTimeline(ctx: Pick<ServiceContext, 'db'>, caseId: string): Promise<CaseTimeline | null> {
  const kase = await ctx.db.case.findUnique({
    where: { id: caseId },
    select: {
      childName: true,
      stageDates: true,
      org: { select: { timezone: true } },
      deadlines: { select: { key: true, state: true, reason: true } },
    },
  })
  if (!kase) return null
  const stages = stageDatesOf(kase.stageDates)
  const saved = new Map(kase.deadlines.map((row) => [row.key, row]))
  const deadlines = statutoryDeadlines({ timezone: kase.org.timezone, stages, exceptions: {}, flagged: {} }).flatMap((deadline) => {
    const row = saved.get(deadline.key)
    // Not saved yet (the workflow has not answered): nothing to show.
    if (!row) return []
    return [{ ...deadline, state: row.state as StatutoryDeadlineState, reason: row.reason as StatutoryExceptionReason | null }]
  })
  return { childName: kase.childName, stages, deadlines }
}

function stageDatesOf(json: unknown): Partial<Record<StatutoryStage, string>> {
  if (!json || typeof json !== 'object') return {}
  return Object.fromEntries(
    Object.entries(json).filter(([stage, date]) => STATUTORY_STAGES.includes(stage as StatutoryStage) && typeof date === 'string'),
  )
}

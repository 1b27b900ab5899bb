/**
 * The statutory timeline on the real stack: a request date recorded on a case
 * gives its 6-, 16- and 20-week deadlines; one already past is flagged overdue by
 * the case workflow and its advocate told once; an exception turns it to
 * "exception"; the family reads the council's dates on their ticket; a ticket put
 * in Pending LA without a date takes the case's next council duty; the Deadlines
 * tab is the case's advocate's and admins' only.
 */
import { DateTime } from 'luxon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordCaseStage, recordDeadlineException } from '../../services/case-commands.server.ts'
import { changeStatus, assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { readCaseTimeline } from '../../services/case-timeline.server.ts'
import * as deadlinesTab from '../../web/app/routes/staff.cases.$number.deadlines.tsx'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let calls: ReturnType<typeof routeCalls>

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  calls = routeCalls(stack, stack.context)
})
afterAll(async () => {
  await stack?.close()
})

const london = () => DateTime.now().setZone('Europe/London')

/** A ticket assigned to the advocate, and the case that assignment opened. */
async function assignedCase(childName = 'Leo') {
  const ticket = await createTicket(stack.context, {
    orgId: people.org.id,
    requesterId: people.family.id,
    subject: `Assessment for ${childName}`,
    type: 'ehcp',
    body: 'We asked the council to assess.',
    childName,
  })
  expect(await assign(stack.context, { ticket, actor: people.admin, assigneeId: people.advocate.id })).toMatchObject({ status: 'applied' })
  const { caseId } = await eventually(async () => {
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { caseId: true } })
    expect(row.caseId).not.toBeNull()
    return row
  })
  const kase = await stack.db.case.findUniqueOrThrow({ where: { id: caseId! }, select: { id: true, number: true, caseRef: true } })
  return { ticket, kase }
}

describe('recording a request date', () => {
  it('gives the 6-, 16- and 20-week deadlines, due, counted from that day in the organisation’s zone', async () => {
    const { kase } = await assignedCase()
    const date = london().minus({ days: 7 }).toISODate()!
    const result = await recordCaseStage(stack.context, { case: kase, actor: people.advocate, stage: 'assessment_requested', date })
    expect(result.status).toBe('applied')
    const rows = await stack.db.caseDeadline.findMany({ where: { caseId: kase.id }, orderBy: { dueAt: 'asc' } })
    expect(rows.map(({ key, state, startDate }) => [key, state, startDate])).toEqual([
      ['assessment_decision', 'due', date],
      ['no_plan_notice', 'due', date],
      ['final_plan', 'due', date],
    ])
    expect(rows[0]!.dueDate).toBe(DateTime.fromISO(date).plus({ weeks: 6 }).toISODate())
    expect(rows[2]!.dueDate).toBe(DateTime.fromISO(date).plus({ weeks: 20 }).toISODate())
    const timeline = await readCaseTimeline(stack.context, kase.id)
    expect(timeline?.stages).toEqual({ assessment_requested: date })
  })

  it('flags a deadline already past as overdue, on the case’s timeline, and tells the advocate once', async () => {
    const { kase } = await assignedCase('Mia')
    const date = london().minus({ weeks: 7 }).toISODate()!
    await recordCaseStage(stack.context, { case: kase, actor: people.advocate, stage: 'assessment_requested', date })
    const decision = await stack.db.caseDeadline.findUniqueOrThrow({
      where: { caseId_key: { caseId: kase.id, key: 'assessment_decision' } },
    })
    expect(decision.state).toBe('overdue')
    const events = await stack.db.caseEvent.findMany({ where: { caseId: kase.id, kind: 'la_deadline_overdue' } })
    expect(events).toEqual([
      expect.objectContaining({ actorId: null, data: { key: 'assessment_decision', dueAt: decision.dueAt.toISOString() } }),
    ])
    const notices = await eventually(async () => {
      const found = await stack.db.notification.findMany({
        where: { userId: people.advocate.id, kind: 'case_la_deadline_overdue', text: { contains: kase.caseRef } },
      })
      expect(found).toHaveLength(1)
      return found
    })
    expect(notices[0]!.text).toContain('decide whether to carry out an EHC needs assessment')
    // Recording another stage saves the case again: nobody is told twice.
    await recordCaseStage(stack.context, { case: kase, actor: people.advocate, stage: 'assessment_decided', date: london().toISODate()! })
    expect(
      await stack.db.notification.count({
        where: { userId: people.advocate.id, kind: 'case_la_deadline_overdue', text: { contains: kase.caseRef } },
      }),
    ).toBe(1)
    expect(
      await stack.db.caseDeadline.findUniqueOrThrow({ where: { caseId_key: { caseId: kase.id, key: 'assessment_decision' } } }),
    ).toMatchObject({ state: 'met' })
  })

  it('an exception turns a deadline to "exception"; one the Regulations do not allow is refused', async () => {
    const { kase } = await assignedCase('Noor')
    await recordCaseStage(stack.context, {
      case: kase,
      actor: people.advocate,
      stage: 'assessment_requested',
      date: london().minus({ weeks: 7 }).toISODate()!,
    })
    const excepted = await recordDeadlineException(stack.context, {
      case: kase,
      actor: people.advocate,
      key: 'assessment_decision',
      reason: 'school_closed',
    })
    expect(excepted).toMatchObject({ status: 'applied' })
    expect(
      await stack.db.caseDeadline.findUniqueOrThrow({ where: { caseId_key: { caseId: kase.id, key: 'assessment_decision' } } }),
    ).toMatchObject({
      state: 'exception',
      reason: 'school_closed',
    })
    const refused = await recordDeadlineException(stack.context, {
      case: kase,
      actor: people.advocate,
      key: 'appeal_window',
      reason: 'other',
    })
    expect(refused).toMatchObject({ status: 'refused', code: 'invalid_input' })
  })
})

describe('who reads the timeline', () => {
  it('the family reads the council’s dates in plain words on their ticket', async () => {
    const { ticket, kase } = await assignedCase('Leo')
    const date = london().minus({ days: 3 }).toISODate()!
    await recordCaseStage(stack.context, { case: kase, actor: people.advocate, stage: 'assessment_requested', date })
    const by = DateTime.fromISO(date, { locale: 'en-GB' }).plus({ weeks: 6 }).toFormat('d MMMM yyyy')
    const page = await calls.load(ticketPage, people.family, `/tickets/${people.org.slug}/${ticket.number}`, {
      orgSlug: people.org.slug,
      number: String(ticket.number),
    })
    expect(page.status).toBe(200)
    const { ticket: shown } = page.data as { ticket: { laDates: string[] } }
    expect(shown.laDates[0]).toBe(`The council must tell you whether it will assess Leo by ${by}.`)
    expect(shown.laDates.join(' ')).not.toMatch(/reg\.|Regulations/)
  })

  it('a ticket put in Pending LA without a date takes the case’s next council duty', async () => {
    const { ticket, kase } = await assignedCase('Ola')
    const date = london().minus({ days: 10 }).toISODate()!
    await recordCaseStage(stack.context, { case: kase, actor: people.advocate, stage: 'assessment_requested', date })
    const decision = await stack.db.caseDeadline.findUniqueOrThrow({
      where: { caseId_key: { caseId: kase.id, key: 'assessment_decision' } },
    })
    const result = await changeStatus(stack.context, { ticket, actor: people.advocate, status: 'pending_la' })
    expect(result).toMatchObject({ status: 'applied', view: { status: 'pending_la', laDeadline: decision.dueAt.toISOString() } })
  })

  it('the Deadlines tab is the case’s advocate’s and admins’; anyone else, and bad input, get no further', async () => {
    const { kase } = await assignedCase('Pip')
    const url = `/staff/cases/${kase.number}/deadlines`
    const params = { number: String(kase.number) }
    expect((await calls.load(deadlinesTab, people.advocate, url, params)).status).toBe(200)
    expect((await calls.load(deadlinesTab, people.admin, url, params)).status).toBe(200)
    expect((await calls.load(deadlinesTab, people.family, url, params)).status).toBe(404)
    const other = await createTestOrganisation(stack.db)
    expect((await calls.load(deadlinesTab, other.admin, url, params)).status).toBe(404)
    expect(
      (
        await calls.act(
          deadlinesTab,
          other.admin,
          url,
          { intent: 'record-stage', stage: 'assessment_requested', date: '2026-11-01' },
          params,
        )
      ).status,
    ).toBe(404)
    const bad = await calls.act(
      deadlinesTab,
      people.advocate,
      url,
      { intent: 'record-stage', stage: 'assessment_requested', date: '2026-02-30' },
      params,
    )
    expect(bad).toMatchObject({ status: 400, data: { form: 'assessment_requested', fieldErrors: { date: [expect.any(String)] } } })
    const future = await calls.act(
      deadlinesTab,
      people.advocate,
      url,
      { intent: 'record-stage', stage: 'assessment_requested', date: '2099-01-01' },
      params,
    )
    expect(future).toMatchObject({ status: 409, data: { formError: 'A stage cannot begin after today' } })
    const saved = await calls.act(
      deadlinesTab,
      people.advocate,
      url,
      { intent: 'record-stage', stage: 'assessment_requested', date: london().toISODate()! },
      params,
    )
    expect(saved).toMatchObject({ status: 302, location: url })
    const page = await calls.load(deadlinesTab, people.advocate, url, params)
    expect((page.data as { deadlines: { sentence: string }[] }).deadlines[0]!.sentence).toMatch(
      /^The council must decide whether to assess Pip by .+ \(6 weeks from the request on .+; SEND Regulations 2014, reg\. 5\(1\)\)\.$/,
    )
  })
})

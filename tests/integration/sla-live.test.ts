/**
 * SLA clocks on the real stack, in real time: an organisation whose policy gives
 * every ticket one minute (around the clock) for a first response sees a new
 * ticket go on track → at risk (with a quarter left, at 45 s) → breached (at
 * 60 s). At each step the queue's chips in the database match the workflow's
 * live view, and the breach is notified once to the assignee, the watchers and
 * the admins. About 70 seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSlaPolicy, slaPolicyToJson, type SlaState } from '../../domain/sla.ts'
import type { TicketView } from '../../domain/ticket-state.ts'
import { createUser } from '../../services/accounts.server.ts'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { searchAttributes, ticketViewQuery, ticketWorkflowId } from '../../workflows/ticket.messages.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  const oneMinute = { firstResponseMinutes: 1, nextResponseMinutes: 1, resolutionMinutes: 30, calendar: '24x7' as const }
  const policy = slaPolicyToJson({
    ...defaultSlaPolicy(),
    targets: { urgent: oneMinute, high: oneMinute, normal: oneMinute, low: oneMinute },
  })
  await stack.db.organisation.update({ where: { id: people.org.id }, data: { slaPolicy: policy } })
})
afterAll(async () => {
  await stack?.close()
})

describe('a one-minute policy, live', () => {
  it('goes on track → at risk → breached, with the database chips matching the query, and notifies once', async () => {
    const watcher = (
      await createUser(stack.db, {
        orgSlug: people.org.slug,
        role: 'staff',
        name: 'Wren Watcher',
        email: `watcher-${people.org.slug}@test.example`,
        password: TEST_PASSWORD,
      })
    ).user
    const ticket = await createTicket(stack.context, {
      orgId: people.org.id,
      requesterId: people.family.id,
      subject: 'Please call me back',
      type: 'general',
      body: 'We have a meeting with the school next week.',
    })
    const startedAt = Date.now()
    const handle = stack.temporal.workflow.getHandle(ticketWorkflowId(ticket.id))
    await stack.db.ticketWatcher.create({ data: { ticketId: ticket.id, userId: watcher.id } })
    expect((await assign(stack.context, { ticket, actor: people.admin, assigneeId: people.advocate.id })).status).toBe('applied')

    /** Waits for the ticket to reach `state`, then checks that the row's chips are the query's. */
    async function reaches(state: SlaState, withinMs: number): Promise<TicketView> {
      return await eventually(async () => {
        const [view, row] = await Promise.all([
          handle.query(ticketViewQuery),
          stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } }),
        ])
        expect(view.sla?.state).toBe(state)
        expect(row.stateVersion).toBe(view.version)
        expect(row.slaState).toBe(view.sla?.state)
        expect(row.slaDueAt?.toISOString() ?? null).toBe(view.sla?.dueAt)
        expect(row.slaTargets).toEqual(view.sla?.targets.map(({ kind, dueAt, state: chip }) => ({ kind, dueAt, state: chip })))
        return view
      }, withinMs)
    }

    const onTrack = await reaches('on_track', 10_000)
    const firstResponse = onTrack.sla!.targets.find((target) => target.kind === 'first_response')!
    expect(firstResponse).toMatchObject({ state: 'on_track', calendar: '24x7', budgetMs: 60_000 })
    expect(Date.parse(firstResponse.atRiskAt!) - Date.parse(onTrack.createdAt)).toBe(45_000)

    const atRisk = await reaches('at_risk', 60_000)
    // Not before the instant: timers fire at it, not on a polling interval.
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(firstResponse.atRiskAt!))
    expect(atRisk.sla!.targets.find((target) => target.kind === 'first_response')?.state).toBe('at_risk')
    const description = await handle.describe()
    expect(description.typedSearchAttributes.get(searchAttributes.slaState)).toBe('at_risk')

    const breached = await reaches('breached', 30_000)
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(firstResponse.dueAt!))
    expect(breached.sla!.targets.find((target) => target.kind === 'first_response')).toMatchObject({ state: 'breached' })
    expect(Date.now() - startedAt).toBeLessThan(90_000)

    // The assignee, the watcher and the admin, once each, however long we wait.
    const breachNotices = () =>
      stack.db.notification.findMany({ where: { ticketId: ticket.id, kind: 'sla_breached' }, orderBy: { userId: 'asc' } })
    await eventually(async () => expect(await breachNotices()).toHaveLength(3))
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    const notices = await breachNotices()
    expect(notices.map((notice) => notice.userId).sort()).toEqual([people.admin.id, people.advocate.id, watcher.id].sort())
    for (const notice of notices) {
      expect(notice.dedupeKey).toBe(`sla-breach:${ticket.id}:first_response:1:user:${notice.userId}`)
      expect(notice.text).toContain(`first response target for request #${ticket.number}`)
    }
    await eventually(async () => expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.slaState)).toBe('breached'))
  }, 120_000)
})

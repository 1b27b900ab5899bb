/**
 * Bulk changes against the real stack: the queue's change bar and the API
 * start a job that answers at once, its bulkChangeWorkflow changes each ticket
 * through the single change's service, and the result page and GET say what
 * became of each: a closed ticket refused, an advocate at capacity refused, an
 * assignment opening each ticket's case. Outcomes are compared as sets: the
 * workflow changes several tickets at once, in no set order.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as bulkChange from '../../web/app/routes/staff.bulk._index.tsx'
import * as bulkJob from '../../web/app/routes/staff.bulk.$jobId.tsx'
import { createApiKey } from '../../services/api-keys.server.ts'
import { setMemberCapacity } from '../../services/capacity.server.ts'
import { addChecklistItem } from '../../services/checklists.server.ts'
import { assign, changeStatus } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { bulkChangeWorkflowId, bulkProgressQuery } from '../../workflows/bulk-change.messages.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let org: Awaited<ReturnType<typeof createTestOrganisation>>
let other: Awaited<ReturnType<typeof createTestOrganisation>>
let apiKey: string
let otherKey: string

const request = (requesterId: string, subject: string) =>
  createTicket(stack.context, { orgId: org.org.id, requesterId, subject, type: 'ehcp', body: `About ${subject}.` })

function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key = apiKey) {
  return fetch(new URL(`/api/v1${path}`, stack.stack.webUrl), {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  })
}

/** The job once its workflow has finished it. */
async function finished(jobId: string) {
  return await eventually(async () => {
    const job = await stack.db.bulkJob.findUniqueOrThrow({ where: { id: jobId } })
    expect(job.state).toBe('finished')
    return job
  }, 60_000)
}

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  org = await createTestOrganisation(stack.db)
  other = await createTestOrganisation(stack.db)
  apiKey = (await createApiKey(stack.db, { orgId: org.org.id, name: 'bulk', createdById: org.admin.id, via: 'cli' })).key
  otherKey = (await createApiKey(stack.db, { orgId: other.org.id, name: 'bulk', createdById: other.admin.id, via: 'cli' })).key
  // Sam takes one case, and has it.
  const membership = await stack.db.membership.findFirstOrThrow({ where: { orgId: org.org.id, userId: org.advocate.id } })
  await setMemberCapacity(stack.db, {
    orgId: org.org.id,
    membershipId: membership.id,
    caseCapacity: 1,
    specialisms: [],
    actorId: null,
    via: 'cli',
  })
  const samsCase = await request(org.family.id, 'Sam’s case')
  expect(await assign(stack.context, { ticket: samsCase, actor: org.admin, assigneeId: org.advocate.id })).toMatchObject({
    status: 'applied',
  })
}, 120_000)

afterAll(async () => {
  await stack?.close()
})

describe('a bulk change from the queue', () => {
  it('changes each open ticket through its workflow and refuses the closed one, saying why on the result page', async () => {
    const open = [await request(org.otherFamily.id, 'Open one'), await request(org.otherFamily.id, 'Open two')]
    const closed = await request(org.otherFamily.id, 'Closed already')
    expect(await changeStatus(stack.context, { ticket: closed, actor: org.admin, status: 'closed' })).toMatchObject({ status: 'applied' })
    const posted = await calls.act(bulkChange, org.advocate, '/staff/bulk', {
      ticket: [...open, closed].map((t) => String(t.number)),
      change: 'priority:high',
    })
    expect(posted.status).toBe(302)
    const jobId = posted.location!.match(/^\/staff\/bulk\/([0-9a-f-]{36})$/)![1]!
    const job = await finished(jobId)
    expect(job).toMatchObject({ total: 3, succeeded: 2, refused: 1, failed: 0, requestedById: org.advocate.id })

    const page = await calls.load(bulkJob, org.advocate, posted.location!, { jobId })
    const data = page.data as { job: { done: number; total: number }; items: { number: number; outcome: string; reason: string | null }[] }
    expect(data.job).toMatchObject({ done: 3, total: 3 })
    const outcomes = Object.fromEntries(data.items.map((i) => [i.number, i.outcome]))
    expect(outcomes).toEqual({ [open[0]!.number]: 'succeeded', [open[1]!.number]: 'succeeded', [closed.number]: 'refused' })
    expect(data.items.find((i) => i.number === closed.number)!.reason).toMatch(/closed|no longer open/i)
    for (const ticket of open)
      await eventually(async () => expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).priority).toBe('high'))
    expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: closed.id } })).priority).toBe('normal')

    // The workflow answers its progress too, once done as while running.
    const progress = await stack.context.temporal.workflow.getHandle(bulkChangeWorkflowId(jobId)).query(bulkProgressQuery)
    expect(progress).toMatchObject({ state: 'finished', total: 3, succeeded: 2, refused: 1, failed: 0 })
  })

  it('resolves the tickets with nothing left open, and leaves one with an unfinished checklist item for its page to confirm', async () => {
    const done = await request(org.otherFamily.id, 'Nothing left to do')
    const unfinished = await request(org.otherFamily.id, 'One step left')
    await addChecklistItem(stack.db, {
      ticket: unfinished,
      title: 'Send the letter',
      staffOnly: false,
      actorId: org.admin.id,
      via: 'portal',
    })
    const posted = await calls.act(bulkChange, org.admin, '/staff/bulk', {
      ticket: [done, unfinished].map((t) => String(t.number)),
      change: 'status:resolved',
    })
    const jobId = posted.location!.split('/').pop()!
    expect(await finished(jobId)).toMatchObject({ total: 2, succeeded: 1, refused: 1 })
    const items = await stack.db.bulkJobItem.findMany({ where: { jobId }, select: { ticketId: true, outcome: true, reason: true } })
    expect(items.find((i) => i.ticketId === unfinished.id)).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/1 checklist item is not done yet/),
    })
    await eventually(async () => expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: done.id } })).status).toBe('resolved'))
    expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: unfinished.id } })).status).not.toBe('resolved')
  })

  it('adds a tag to every ticket on the page with "select all", once per form', async () => {
    const tickets = [await request(org.otherFamily.id, 'Tag me'), await request(org.otherFamily.id, 'Tag me too')]
    const token = randomUUID()
    const form = {
      submissionToken: token,
      allOnPage: 'yes',
      pageTicket: tickets.map((t) => String(t.number)),
      change: 'tag',
      tag: '  Tribunal   prep ',
    }
    const first = await calls.act(bulkChange, org.admin, '/staff/bulk', form)
    const again = await calls.act(bulkChange, org.admin, '/staff/bulk', form)
    expect(again.location).toBe(first.location)
    const jobId = first.location!.split('/').pop()!
    expect(await finished(jobId)).toMatchObject({ total: 2, succeeded: 2 })
    expect(await stack.db.bulkJob.count({ where: { orgId: org.org.id, action: { path: ['name'], equals: 'Tribunal prep' } } })).toBe(1)
    for (const ticket of tickets)
      expect(await stack.db.ticketTag.count({ where: { ticketId: ticket.id, tag: { name: 'Tribunal prep' } } })).toBe(1)
  })

  it('sends a form without a ticket or a change back to the queue, changing nothing', async () => {
    const before = await stack.db.bulkJob.count()
    const none = await calls.act(bulkChange, org.admin, '/staff/bulk', { change: 'priority:low' })
    expect(none).toMatchObject({ status: 302, location: '/staff/tickets' })
    const noChange = await calls.act(bulkChange, org.admin, '/staff/bulk', { ticket: '1', change: 'explode' })
    expect(noChange).toMatchObject({ status: 302, location: '/staff/tickets' })
    const blankTag = await calls.act(bulkChange, org.admin, '/staff/bulk', { ticket: '1', change: 'tag', tag: ' ' })
    expect(blankTag).toMatchObject({ status: 302, location: '/staff/tickets' })
    expect(await stack.db.bulkJob.count()).toBe(before)
  })
})

describe('a bulk change over the API', () => {
  it('answers 202 with the job at once; each assignment opens its case, or is refused at capacity', async () => {
    const tickets = [await request(org.otherFamily.id, 'For Ada'), await request(org.family.id, 'For Ada too')]
    const key = randomUUID()
    const body = { tickets: tickets.map((t) => t.number), action: { kind: 'assign', assignee: { email: org.admin.email } } }
    const started = await api('POST', '/tickets/bulk', body, { 'Idempotency-Key': key })
    expect(started.status).toBe(202)
    const { job } = (await started.json()) as { job: { id: string; total: number; state: string } }
    expect(started.headers.get('Location')).toBe(`/api/v1/bulk-jobs/${job.id}`)
    expect(job.total).toBe(2)
    const replayed = await api('POST', '/tickets/bulk', body, { 'Idempotency-Key': key })
    expect(replayed.headers.get('Idempotent-Replayed')).toBe('true')
    expect(((await replayed.json()) as { job: { id: string } }).job.id).toBe(job.id)

    await finished(job.id)
    const read = (await (await api('GET', `/bulk-jobs/${job.id}`)).json()) as {
      job: { state: string; succeeded: number; items: { ticket: number; outcome: string }[] }
    }
    expect(read.job).toMatchObject({ state: 'finished', succeeded: 2 })
    expect(new Set(read.job.items.map((i) => `${i.ticket}:${i.outcome}`))).toEqual(new Set(tickets.map((t) => `${t.number}:succeeded`)))
    for (const ticket of tickets)
      await eventually(async () =>
        expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({
          assigneeId: org.admin.id,
          caseId: expect.any(String),
        }),
      )

    // Sam has no room for a new family's case: refused, with the capacity rule's reason.
    const full = await request(org.otherFamily.id, 'Not for Sam')
    const refused = await api('POST', '/tickets/bulk', {
      tickets: [full.number],
      action: { kind: 'assign', assignee: { email: org.advocate.email } },
    })
    expect(refused.status).toBe(202)
    const refusedJob = ((await refused.json()) as { job: { id: string } }).job
    expect(await finished(refusedJob.id)).toMatchObject({ refused: 1, succeeded: 0 })
    const item = await stack.db.bulkJobItem.findFirstOrThrow({ where: { jobId: refusedJob.id } })
    expect(item).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('at capacity') })
    expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: full.id } })).assigneeId).toBeNull()
  })

  it('refuses what it cannot start with a clear 4xx, and another organisation’s job is not there', async () => {
    const tooMany = await api('POST', '/tickets/bulk', {
      tickets: Array.from({ length: 501 }, (_, i) => i + 1),
      action: { kind: 'priority', priority: 'low' },
    })
    expect(tooMany.status).toBe(400)
    const unknown = await api('POST', '/tickets/bulk', { tickets: [987_654], action: { kind: 'priority', priority: 'low' } })
    expect(unknown.status).toBe(422)
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unprocessable')
    const badAction = await api('POST', '/tickets/bulk', { tickets: [1], action: { kind: 'status', status: 'new' } })
    expect(badAction.status).toBe(400)

    const ours = await api('POST', '/tickets/bulk', { tickets: [1], action: { kind: 'tag', name: 'Ours' } })
    const jobId = ((await ours.json()) as { job: { id: string } }).job.id
    expect((await api('GET', `/bulk-jobs/${jobId}`, undefined, {}, otherKey)).status).toBe(404)
    expect((await api('GET', `/bulk-jobs/${randomUUID()}`)).status).toBe(404)
    expect((await api('GET', '/bulk-jobs/not-an-id')).status).toBe(400)
    await finished(jobId)
  })
})

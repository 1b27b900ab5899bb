/**
 * Tasks on the real stack: made on a ticket, a case's next action linked to one,
 * status changes audited on the ticket's timeline, the ticket workflow's timer
 * flagging a due task overdue and telling its owner, resolving asking first
 * (409 tasks_open over the API), and another organisation's task not there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../services/api-keys.server.ts'
import { addCaseAction } from '../../services/case-commands.server.ts'
import { openCaseForTicket } from '../../services/cases.server.ts'
import { createTicketTask, linkTaskToTicket, ownerTasks, updateTask } from '../../services/tasks.server.ts'
import { ticketHistory } from '../../services/ticket-history.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { eventually } from '../support/eventually.ts'
import { createDepartmentsWithRestrictedAdvocate, createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
let keyA: string
let keyB: string

beforeAll(async () => {
  stack = await connectToStack()
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  keyA = (await createApiKey(stack.db, { orgId: a.org.id, name: 'Tasks', createdById: a.admin.id, via: 'cli' })).key
  keyB = (await createApiKey(stack.db, { orgId: b.org.id, name: 'Tasks', createdById: b.admin.id, via: 'cli' })).key
}, 120_000)
afterAll(async () => await stack?.close())

const newTicket = (subject: string) =>
  createTicket(stack.context, { orgId: a.org.id, requesterId: a.family.id, type: 'ehcp', subject, body: 'Please help.' })

async function api(key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.stack.webUrl}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  })
  return { status: response.status, body: (await response.json()) as Record<string, any> }
}

describe('a ticket’s tasks', () => {
  it('show on their owner’s board only while the owner may see the ticket', async () => {
    const { tribunals, restricted } = await createDepartmentsWithRestrictedAdvocate(stack.db, a.org)
    const ticket = await createTicket(stack.context, {
      orgId: a.org.id,
      requesterId: a.family.id,
      departmentId: tribunals.id,
      type: 'tribunal',
      subject: 'Hearing bundle',
      body: 'Our hearing is in May.',
    })
    for (const ownerId of [restricted.id, a.advocate.id])
      expect(
        await createTicketTask(stack.context, {
          actorId: a.admin.id,
          via: 'portal',
          ticket,
          title: 'Bundle the evidence',
          ownerId,
          dueAt: null,
        }),
      ).toMatchObject({ status: 'changed' })
    const titles = async (ownerId: string) => (await ownerTasks(stack.db, { orgId: a.org.id, ownerId })).map((task) => task.title)
    // Rory works Annual reviews only: a Tribunals ticket's task is not his to see, even as its owner.
    expect(await titles(restricted.id)).not.toContain('Bundle the evidence')
    expect(await titles(a.advocate.id)).toContain('Bundle the evidence')
  })

  it('are made, moved through the board’s statuses and audited on the ticket’s timeline', async () => {
    const ticket = await newTicket('Transport to school')
    const actor = { actorId: a.advocate.id, via: 'portal' } as const
    const made = await createTicketTask(stack.context, {
      ...actor,
      ticket,
      title: 'Call the transport team',
      ownerId: a.advocate.id,
      dueAt: null,
    })
    expect(made).toMatchObject({ status: 'changed', task: { status: 'todo', owner: { name: 'Sam Advocate' } } })
    if (made.status !== 'changed') throw new Error('not made')
    expect(await updateTask(stack.context, { ...actor, orgId: a.org.id, taskId: made.task.id, change: { status: 'doing' } })).toMatchObject(
      {
        status: 'changed',
        task: { status: 'doing' },
      },
    )
    expect(await updateTask(stack.context, { ...actor, orgId: a.org.id, taskId: made.task.id, change: { status: 'doing' } })).toMatchObject(
      {
        status: 'unchanged',
      },
    )
    const refused = await createTicketTask(stack.context, { ...actor, ticket, title: 'x', ownerId: a.family.id, dueAt: null })
    expect(refused).toMatchObject({ status: 'refused', code: 'invalid_owner' })
    const lines = (await ticketHistory(stack.db, ticket)).map((line) => line.text)
    expect(lines).toEqual([
      'Sam Advocate added the task “Call the transport team”',
      'Sam Advocate moved the task “Call the transport team” to Doing',
    ])
    // Another organisation's task is not there.
    expect(
      await updateTask(stack.context, {
        actorId: b.admin.id,
        via: 'portal',
        orgId: b.org.id,
        taskId: made.task.id,
        change: { status: 'done' },
      }),
    ).toEqual({
      status: 'not_found',
    })
  })

  it('link a case’s next action to a ticket, whose timeline and the case’s API show it; done goes through the case workflow', async () => {
    const ticket = await newTicket('Annual review paperwork')
    const kase = await openCaseForTicket(stack.context, ticket, a.advocate.id)
    const added = await addCaseAction(stack.context, {
      case: kase,
      actor: a.advocate,
      title: 'Ask for the draft plan',
      ownerId: a.advocate.id,
      dueAt: null,
    })
    expect(added.status).toBe('applied')
    const action = await stack.db.task.findFirstOrThrow({ where: { caseId: kase.id }, select: { id: true } })
    const other = await newTicket('Another ticket')
    const actor = { actorId: a.advocate.id, via: 'portal' } as const
    expect(await linkTaskToTicket(stack.context, { ...actor, ticket: other, taskId: action.id })).toMatchObject({
      status: 'changed',
      task: { ticketId: other.id, caseId: kase.id },
    })
    expect(await linkTaskToTicket(stack.context, { ...actor, ticket, taskId: action.id })).toMatchObject({
      status: 'refused',
      code: 'already_linked',
    })
    expect(await updateTask(stack.context, { ...actor, orgId: a.org.id, taskId: action.id, change: { status: 'done' } })).toMatchObject({
      status: 'changed',
      task: { status: 'done' },
    })
    const row = await stack.db.task.findUniqueOrThrow({ where: { id: action.id }, select: { doneAt: true, status: true } })
    expect(row.doneAt).not.toBeNull()
    expect((await ticketHistory(stack.db, other)).map((line) => line.text)).toContain(
      'Sam Advocate linked the task “Ask for the draft plan” to ticket #' + other.number,
    )
  })

  it('is flagged overdue by the ticket workflow’s timer, and its owner told once', async () => {
    const ticket = await newTicket('Chase the EHCP draft')
    const made = await createTicketTask(stack.context, {
      actorId: a.advocate.id,
      via: 'portal',
      ticket,
      title: 'Chase the draft',
      ownerId: a.advocate.id,
      dueAt: new Date(Date.now() + 3_000),
    })
    if (made.status !== 'changed') throw new Error('not made')
    await eventually(async () => {
      const row = await stack.db.task.findUniqueOrThrow({ where: { id: made.task.id }, select: { overdue: true } })
      expect(row.overdue).toBe(true)
    }, 30_000)
    const notices = await stack.db.notification.findMany({ where: { userId: a.advocate.id, kind: 'task_overdue', ticketId: ticket.id } })
    expect(notices).toHaveLength(1)
    expect(notices[0]!.text).toContain('Chase the draft')
  })
})

describe('the API', () => {
  it('makes, lists and changes tasks; a resolve with open tasks answers 409 tasks_open unless forced; other organisations get 404', async () => {
    const ticket = await newTicket('Tribunal bundle')
    const made = await api(
      keyA,
      'POST',
      `/tickets/${ticket.number}/tasks`,
      { title: 'Print the bundle' },
      { 'Idempotency-Key': `task-${ticket.id}` },
    )
    expect(made.status).toBe(201)
    const again = await api(
      keyA,
      'POST',
      `/tickets/${ticket.number}/tasks`,
      { title: 'Print the bundle' },
      { 'Idempotency-Key': `task-${ticket.id}` },
    )
    // The same answer again, naming the same task: nothing new is made.
    expect(again).toMatchObject({ status: 201, body: { task: { id: made.body.task.id } } })
    expect((await api(keyA, 'GET', `/tickets/${ticket.number}/tasks`)).body.tasks).toHaveLength(1)
    expect(await api(keyA, 'POST', `/tickets/${ticket.number}/tasks`, { title: '' })).toMatchObject({ status: 400 })

    const resolve = await api(keyA, 'POST', `/tickets/${ticket.number}/status`, { status: 'resolved' })
    expect(resolve).toMatchObject({ status: 409, body: { error: { code: 'tasks_open' } } })

    expect(await api(keyB, 'PATCH', `/tasks/${made.body.task.id}`, { status: 'done' })).toMatchObject({ status: 404 })
    expect(await api(keyB, 'GET', `/tickets/${ticket.number}/tasks`)).toMatchObject({ status: 404 })
    const done = await api(keyA, 'PATCH', `/tasks/${made.body.task.id}`, { status: 'done' })
    expect(done).toMatchObject({ status: 200, body: { task: { status: 'done' } } })
    const forced = await api(keyA, 'POST', `/tickets/${ticket.number}/status`, { status: 'in_progress' })
    expect(forced.status).toBeLessThan(300)
    expect((await api(keyA, 'POST', `/tickets/${ticket.number}/status`, { status: 'resolved' })).status).toBeLessThan(300)
  })
})

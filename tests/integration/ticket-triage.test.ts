/**
 * What the ticket workflow does for a new request and its first answer, on the
 * real stack: the organisation's admins are told of a new request, the first
 * public staff reply on an unassigned ticket assigns it to the person replying
 * (unless the organisation turned that off), the family's page then names their
 * advocate and the timeline says how, a family pressing Reopen reads as a
 * reopening rather than a reply, and each workflow carries the summary the
 * Temporal UI lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changeStatus, postMessage, reopenTicket } from '../../services/ticket-commands.server.ts'
import { createTicket, type CreatedTicket } from '../../services/ticket-creation.server.ts'
import { ticketWorkflowId } from '../../workflows/ticket.messages.ts'
import { sessionCookie } from '../../web/app/utils/cookies.server.ts'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
})
afterAll(async () => {
  await stack?.close()
})

function request(subject: string, orgId = people.org.id, requesterId = people.family.id) {
  return createTicket(stack.context, { orgId, requesterId, subject, type: 'ehcp', body: `About: ${subject}` })
}

function reply(ticket: CreatedTicket, author: { id: string }, visibility: 'public' | 'internal' = 'public') {
  return postMessage(stack.context, { ticket, author, role: 'staff', body: 'We are looking into this.', visibility })
}

/** The ticket page's loader data, as `person` (signed in with a session of their own) sees it. */
async function pageAs(person: { id: string }, org: { slug: string }, ticket: CreatedTicket) {
  const url = new URL(`/tickets/${org.slug}/${ticket.number}`, stack.stack.webUrl).toString()
  const session = await stack.db.session.create({ data: { userId: person.id, expiresAt: new Date(Date.now() + 3_600_000) } })
  const cookie = await sessionCookie(stack.context.env, new Request(url)).serialize(session.id)
  const request = new Request(url, { headers: { Cookie: cookie.split(';')[0]! } })
  return await ticketPage.loader({ request, params: { orgSlug: org.slug, number: String(ticket.number) }, context: stack.context as never })
}

describe('a new request', () => {
  it("tells each of the organisation's admins once, in words, and nobody else", async () => {
    const ticket = await request('Help with the EHCP draft')
    const notices = await eventually(async () => {
      const found = await stack.db.notification.findMany({ where: { ticketId: ticket.id, kind: 'new_request' } })
      expect(found).toHaveLength(1)
      return found
    })
    expect(notices[0]).toMatchObject({
      userId: people.admin.id,
      text: `New request #${ticket.number} from Fran Family: “Help with the EHCP draft”`,
      readAt: null,
    })
    // Later changes to the ticket are not new requests.
    await reply(ticket, people.advocate)
    await eventually(async () =>
      expect(await stack.db.notification.count({ where: { ticketId: ticket.id, kind: 'staff_replied' } })).toBe(1),
    )
    expect(await stack.db.notification.count({ where: { ticketId: ticket.id, kind: 'new_request' } })).toBe(1)
  })

  it('carries a summary the Temporal UI lists beside its id', async () => {
    const ticket = await request('Transport to school')
    const description = await stack.temporal.workflow.getHandle(ticketWorkflowId(ticket.id)).describe()
    expect(await description.staticSummary()).toBe(`${people.org.name} #${ticket.number}`)
  })
})

describe('the first staff reply', () => {
  it('assigns an unassigned ticket to the person replying; the family sees who is helping them, the timeline how', async () => {
    const ticket = await request('Annual review next month')
    const note = await reply(ticket, people.admin, 'internal')
    expect(note).toMatchObject({ status: 'applied', view: { assigneeId: null } })
    const result = await reply(ticket, people.advocate)
    expect(result).toMatchObject({ status: 'applied', view: { status: 'in_progress', assigneeId: people.advocate.id } })
    await eventually(async () => {
      const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
      expect(row).toMatchObject({ assigneeId: people.advocate.id, status: 'in_progress', awaiting: 'family' })
    })
    const family = await pageAs(people.family, people.org, ticket)
    expect(family).toMatchObject({ role: 'family', ticket: { advocate: 'Sam Advocate', statusLabel: 'Waiting for you' } })
    const staff = await pageAs(people.admin, people.org, ticket)
    expect(staff.role === 'staff' && staff.timeline.map((line) => line.text)).toContain('Assigned to Sam Advocate by their first reply')

    // Someone else answering later does not take it over.
    await reply(ticket, people.admin)
    expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { assigneeId: true } })).toEqual({
      assigneeId: people.advocate.id,
    })
  })

  it('leaves the ticket unassigned where the organisation turned that off', async () => {
    const other = await createTestOrganisation(stack.db)
    await stack.db.organisation.update({ where: { id: other.org.id }, data: { assignOnFirstReply: false } })
    const ticket = await request('DLA renewal', other.org.id, other.family.id)
    const result = await reply(ticket, other.advocate)
    expect(result).toMatchObject({ status: 'applied', view: { status: 'in_progress', assigneeId: null } })
    const family = await pageAs(other.family, other.org, ticket)
    expect(family).toMatchObject({ ticket: { advocate: null } })
    const events = await stack.db.ticketEvent.findMany({ where: { ticketId: ticket.id, kind: 'assigned' } })
    expect(events).toEqual([])
  })
})

describe('a family pressing Reopen', () => {
  it('reads to staff as a reopening, not a reply, until someone writes', async () => {
    const ticket = await request('Tribunal bundle')
    await reply(ticket, people.advocate)
    expect(await changeStatus(stack.context, { ticket, actor: people.advocate, status: 'resolved' })).toMatchObject({ status: 'applied' })
    const reopened = await reopenTicket(stack.context, { ticket, actor: people.family, role: 'family' })
    expect(reopened).toMatchObject({ status: 'applied', view: { status: 'in_progress', awaiting: 'staff', reopenedByFamily: true } })
    await eventually(async () =>
      expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ reopenedByFamily: true }),
    )
    expect(await pageAs(people.advocate, people.org, ticket)).toMatchObject({ ticket: { familyMarker: 'Family reopened' } })

    await postMessage(stack.context, {
      ticket,
      author: people.family,
      role: 'family',
      body: 'It is about the hearing date.',
      visibility: 'public',
    })
    expect(await pageAs(people.advocate, people.org, ticket)).toMatchObject({ ticket: { familyMarker: 'Family replied' } })
    await eventually(async () =>
      expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ reopenedByFamily: false }),
    )
  })
})

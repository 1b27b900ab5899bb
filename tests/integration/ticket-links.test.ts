/**
 * Related tickets on the real stack: linking by number shows on both tickets
 * with their status and on both timelines, unlinking, a ticket never linked to
 * itself, a pair linked once whichever side asks, a follow-up related on both
 * sides without a link of its own, and 404 for another organisation's ticket
 * or one the actor may not see, in the portal and the API. Families see no links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../services/api-keys.server.ts'
import { linkTickets, relatedTickets, unlinkTickets } from '../../services/ticket-links.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { createDepartmentsWithRestrictedAdvocate, createTestOrganisation } from '../support/fixtures.ts'
import { routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'
import { apiClient } from '../support/api-client.ts'

type Ref = { id: string; orgId: string; number: number }

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
let keyA: string
/** Both in Tribunals; `reviewsOnly` is in Annual reviews, which Rory (restricted to it) works. */
let first: Ref
let second: Ref
let reviewsOnly: Ref
let inB: Ref
let restricted: { id: string; email: string }

const cli = { actorId: null, via: 'cli' } as const

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  const departments = await createDepartmentsWithRestrictedAdvocate(stack.db, a.org)
  const { tribunals, reviews } = departments
  restricted = departments.restricted
  const request = { orgId: a.org.id, requesterId: a.family.id, departmentId: tribunals.id, type: 'tribunal' as const }
  first = await createTicket(stack.context, { ...request, subject: 'Hearing bundle', body: 'Our hearing is in May.' })
  second = await createTicket(stack.context, { ...request, subject: 'Sister’s school place', body: 'Same school, her sister.' })
  reviewsOnly = await createTicket(stack.context, {
    ...request,
    departmentId: reviews.id,
    subject: 'Annual review',
    body: 'The review is next month.',
  })
  const bDepartment = await stack.db.department.findFirstOrThrow({ where: { orgId: b.org.id }, select: { id: true } })
  // B's ticket takes a number no ticket of A has, so a link to it could only find B's.
  await stack.db.organisation.update({ where: { id: b.org.id }, data: { lastTicketNumber: 500 } })
  inB = await createTicket(stack.context, {
    orgId: b.org.id,
    requesterId: b.family.id,
    departmentId: bDepartment.id,
    type: 'ehcp',
    subject: 'Elsewhere',
    body: 'Another organisation.',
  })
  keyA = (await createApiKey(stack.db, { orgId: a.org.id, name: 'Links', createdById: a.admin.id, via: 'cli' })).key
}, 120_000)
afterAll(async () => {
  await stack?.close()
})

const page = (t: Ref) => `/tickets/${a.org.slug}/${t.number}`
const params = (t: Ref) => ({ orgSlug: a.org.slug, number: String(t.number) })
type StaffPage = { related: { number: number; status: string; relation: string; canUnlink: boolean }[]; timeline: { text: string }[] }
const staffPage = async (t: Ref, person: { id: string } = a.advocate) =>
  (await calls.load(ticketPage, person, page(t), params(t))).data as StaffPage

const api = (method: string, path: string, body?: unknown) => apiClient(stack.stack.webUrl)(keyA, method, path, body)

describe('linking from the ticket page', () => {
  it('links by number: both tickets list the other with its status, both timelines say so; unlinking removes it from both', async () => {
    const linked = await calls.act(
      ticketPage,
      a.advocate,
      page(first),
      { intent: 'link-ticket', number: `#${second.number}` },
      params(first),
    )
    expect(linked.status).toBe(302)
    expect((await staffPage(first)).related).toEqual([
      { number: second.number, subject: 'Sister’s school place', status: 'New', relation: 'Linked', href: page(second), canUnlink: true },
    ])
    expect((await staffPage(second)).related.map((t) => t.number)).toEqual([first.number])
    expect((await staffPage(first)).timeline.map((l) => l.text)).toContain(`Sam Advocate linked it to ticket #${second.number}`)
    expect((await staffPage(second)).timeline.map((l) => l.text)).toContain(`Sam Advocate linked it to ticket #${first.number}`)

    // From the other side, the same pair: nothing new.
    const again = await calls.act(
      ticketPage,
      a.admin,
      page(second),
      { intent: 'link-ticket', number: String(first.number) },
      params(second),
    )
    expect(again.status).toBe(302)
    expect(await stack.db.ticketLink.count({ where: { orgId: a.org.id } })).toBe(1)
    expect(await stack.db.auditEvent.count({ where: { orgId: a.org.id, action: 'ticket.linked' } })).toBe(2)

    const unlinked = await calls.act(
      ticketPage,
      a.advocate,
      page(second),
      { intent: 'unlink-ticket', number: String(first.number) },
      params(second),
    )
    expect(unlinked.status).toBe(302)
    expect((await staffPage(first)).related).toEqual([])
    expect((await staffPage(second)).related).toEqual([])
    expect((await staffPage(first)).timeline.map((l) => l.text)).toContain(`Sam Advocate unlinked ticket #${second.number}`)
  })

  it('refuses a ticket itself, a number that is not a ticket, and one the person may not see, alike', async () => {
    const self = await calls.act(
      ticketPage,
      a.advocate,
      page(first),
      { intent: 'link-ticket', number: String(first.number) },
      params(first),
    )
    expect(self.status).toBe(400)
    expect((self.data as { fieldErrors: Record<string, string[]> }).fieldErrors.number).toEqual(['A ticket cannot be linked to itself'])
    for (const number of ['', 'twelve', '-3'])
      expect((await calls.act(ticketPage, a.advocate, page(first), { intent: 'link-ticket', number }, params(first))).status).toBe(400)
    const answers = []
    for (const number of [String(inB.number + 100_000), String(inB.number)]) {
      const answer = await calls.act(ticketPage, a.advocate, page(first), { intent: 'link-ticket', number }, params(first))
      answers.push({
        status: answer.status,
        error: (answer.data as { fieldErrors: Record<string, string[]> }).fieldErrors.number?.[0]?.replace(number, 'N'),
      })
    }
    expect(answers[0]).toEqual({ status: 400, error: 'There is no ticket #N you can see' })
    expect(answers[1]).toEqual(answers[0])
    expect(await stack.db.ticketLink.count({ where: { orgId: a.org.id } })).toBe(0)
  })

  it('hides a related ticket from someone who may not see it, and lets nobody link it through a ticket they see', async () => {
    await linkTickets(stack.db, { ticket: reviewsOnly, otherNumber: first.number, ...cli })
    // Rory works Annual reviews only: the review is theirs, its link to a Tribunals ticket is not.
    expect((await staffPage(reviewsOnly, restricted)).related).toEqual([])
    expect(await linkTickets(stack.db, { ticket: reviewsOnly, otherNumber: second.number, actorId: restricted.id, via: 'portal' })).toEqual(
      {
        status: 'not_found',
      },
    )
    expect(
      await unlinkTickets(stack.db, { ticket: reviewsOnly, otherNumber: first.number, actorId: restricted.id, via: 'portal' }),
    ).toEqual({
      status: 'not_found',
    })
    expect((await staffPage(first)).related.map((t) => t.number)).toEqual([reviewsOnly.number])
    await unlinkTickets(stack.db, { ticket: reviewsOnly, otherNumber: first.number, ...cli })
  })

  it('the family sees no links on their ticket and may not make any', async () => {
    await linkTickets(stack.db, { ticket: first, otherNumber: second.number, ...cli })
    const family = await calls.load(ticketPage, a.family, page(first), params(first))
    expect(family.status).toBe(200)
    expect(family.data).not.toHaveProperty('related')
    expect(JSON.stringify(family.data)).not.toContain('Sister’s school place')
    const tried = await calls.act(
      ticketPage,
      a.family,
      page(first),
      { intent: 'unlink-ticket', number: String(second.number) },
      params(first),
    )
    expect(tried.status).toBe(403)
    await unlinkTickets(stack.db, { ticket: first, otherNumber: second.number, ...cli })
  })
})

describe('follow-ups', () => {
  it('a follow-up is related on both sides, once even when linked again, and cannot be unlinked', async () => {
    const followUp = await createTicket(stack.context, {
      orgId: a.org.id,
      requesterId: a.family.id,
      departmentId: (await stack.db.ticket.findUniqueOrThrow({ where: { id: first.id } })).departmentId,
      type: 'tribunal',
      subject: `Follow-up to #${first.number}`,
      body: 'Writing again.',
      followUpOfId: first.id,
    })
    expect((await relatedTickets(stack.db, { ticket: first, viewerId: a.advocate.id })).map((t) => [t.number, t.relation])).toEqual([
      [followUp.number, 'followed_up_by'],
    ])
    expect((await staffPage(followUp)).related).toEqual([
      expect.objectContaining({ number: first.number, relation: 'This ticket follows it up', canUnlink: false }),
    ])
    expect(await linkTickets(stack.db, { ticket: followUp, otherNumber: first.number, ...cli })).toMatchObject({ status: 'already' })
    expect((await staffPage(first)).related.map((t) => t.number)).toEqual([followUp.number])
    const unlink = await calls.act(
      ticketPage,
      a.advocate,
      page(first),
      { intent: 'unlink-ticket', number: String(followUp.number) },
      params(first),
    )
    expect(unlink.status).toBe(400)
    expect((await api('DELETE', `/tickets/${first.number}/related/${followUp.number}`)).body).toMatchObject({
      error: { code: 'no_change' },
    })
    expect((await api('GET', `/tickets/${followUp.number}/related`)).body.related).toEqual([
      { number: first.number, subject: 'Hearing bundle', status: 'new', relation: 'follow_up_of', linkedAt: null },
    ])
  })
})

describe('the API', () => {
  it('links, lists both sides, is idempotent by pair, unlinks, and refuses a ticket itself', async () => {
    const made = await api('POST', `/tickets/${second.number}/related`, { ticket: reviewsOnly.number })
    expect(made.status).toBe(201)
    expect(made.body.related).toEqual([
      { number: reviewsOnly.number, subject: 'Annual review', status: 'new', relation: 'linked', linkedAt: expect.any(String) },
    ])
    expect((await api('POST', `/tickets/${reviewsOnly.number}/related`, { ticket: second.number })).status).toBe(200)
    expect((await api('GET', `/tickets/${reviewsOnly.number}/related`)).body.related.map((t: { number: number }) => t.number)).toEqual([
      second.number,
    ])
    const self = await api('POST', `/tickets/${second.number}/related`, { ticket: second.number })
    expect(self).toMatchObject({ status: 422, body: { error: { code: 'unprocessable' } } })
    expect((await api('POST', `/tickets/${second.number}/related`, { ticket: 'two' })).status).toBe(400)
    const gone = await api('DELETE', `/tickets/${second.number}/related/${reviewsOnly.number}`)
    expect(gone).toEqual({ status: 200, body: { related: [] } })
    expect((await api('DELETE', `/tickets/${second.number}/related/${reviewsOnly.number}`)).status).toBe(200)
    expect(
      await stack.db.auditEvent.count({
        where: {
          orgId: a.org.id,
          action: 'ticket.unlinked',
          AND: [{ data: { path: ['ticketId'], equals: second.id } }, { data: { path: ['otherTicketId'], equals: reviewsOnly.id } }],
        },
      }),
    ).toBe(1)
  })

  it('answers 404 for another organisation’s ticket, and for one the actor may not see, on either side', async () => {
    const theirs = await api('POST', `/tickets/${second.number}/related`, { ticket: inB.number })
    const nowhere = await api('POST', `/tickets/${second.number}/related`, { ticket: 999_999 })
    expect(theirs).toEqual({ status: 404, body: nowhere.body })
    expect(nowhere.status).toBe(404)
    const asRory = { email: restricted.email }
    // Rory sees the review, not the Tribunals ticket: either way round, it is not there for them.
    expect((await api('POST', `/tickets/${reviewsOnly.number}/related`, { ticket: second.number, actor: asRory })).status).toBe(404)
    expect((await api('POST', `/tickets/${second.number}/related`, { ticket: reviewsOnly.number, actor: asRory })).status).toBe(404)
    expect((await api('GET', `/tickets/${second.number}/related?actor=${encodeURIComponent(restricted.email)}`)).status).toBe(404)
    expect(
      (await api('DELETE', `/tickets/${reviewsOnly.number}/related/${second.number}?actor=${encodeURIComponent(restricted.email)}`)).status,
    ).toBe(404)
    expect(await stack.db.ticketLink.count({ where: { orgId: a.org.id } })).toBe(0)
  })
})

/**
 * Capacity and auto-assignment against the real stack: an assignment that
 * would open a new case for an advocate at capacity is refused by the service
 * and the API (409 at_capacity) unless an admin overrides it (audited); a new
 * request from a family with an open case goes to its advocate, joining the
 * case about the same child, opening a new one otherwise, and staying for
 * triage, with the reason shown there, when that advocate is at capacity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as triage from '../../web/app/routes/staff.triage.tsx'
import * as teamSettings from '../../web/app/routes/staff.settings.team.tsx'
import { createApiKey } from '../../services/api-keys.server.ts'
import { assignToFamilysAdvocate } from '../../services/auto-assignment.server.ts'
import { setMemberCapacity } from '../../services/capacity.server.ts'
import { assign, linkCase } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { createUser } from '../../services/accounts.server.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let org: Awaited<ReturnType<typeof createTestOrganisation>>
let apiKey: string

async function request(requesterId: string, subject: string, childName?: string) {
  return await createTicket(stack.context, { orgId: org.org.id, requesterId, subject, type: 'ehcp', body: `About ${subject}.`, childName })
}

async function family(name: string) {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${org.org.slug}@test.example`
  return (await createUser(stack.db, { orgSlug: org.org.slug, role: 'family', name, email, password: TEST_PASSWORD })).user
}

async function capacityOf(userId: string, caseCapacity: number | null) {
  const membership = await stack.db.membership.findFirstOrThrow({ where: { orgId: org.org.id, userId }, select: { id: true } })
  await setMemberCapacity(stack.db, {
    orgId: org.org.id,
    membershipId: membership.id,
    caseCapacity,
    specialisms: ['ehcp'],
    actorId: null,
    via: 'cli',
  })
}

const ticketRow = (id: string) =>
  stack.db.ticket.findUniqueOrThrow({ where: { id }, select: { assigneeId: true, caseId: true, status: true, triageNote: true } })

function apiAssign(number: number, body: unknown) {
  return fetch(new URL(`/api/v1/tickets/${number}/assign`, stack.stack.webUrl), {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  org = await createTestOrganisation(stack.db)
  apiKey = (await createApiKey(stack.db, { orgId: org.org.id, name: 'capacity', createdById: org.admin.id, via: 'cli' })).key
  // Sam takes one case, and has it.
  await capacityOf(org.advocate.id, 1)
  const first = await request(org.family.id, 'Leo’s plan', 'Leo')
  expect(await assign(stack.context, { ticket: first, actor: org.admin, assigneeId: org.advocate.id })).toMatchObject({ status: 'applied' })
  await eventually(async () => expect((await ticketRow(first.id)).caseId).not.toBeNull())
})

afterAll(async () => {
  await stack?.close()
})

describe('an advocate at capacity', () => {
  it('is refused a new case by the service, unless an admin overrides it, which is audited', async () => {
    const other = await request(org.otherFamily.id, 'A new family')
    const refused = await assign(stack.context, { ticket: other, actor: org.admin, assigneeId: org.advocate.id })
    expect(refused).toMatchObject({ status: 'refused', code: 'at_capacity' })
    expect(refused.status === 'refused' && refused.message).toContain('Sam Advocate is at capacity (1 of 1 case)')
    // Staff cannot override; the ticket stays unassigned.
    expect(await assign(stack.context, { ticket: other, actor: org.advocate, assigneeId: org.advocate.id, override: true })).toMatchObject({
      status: 'refused',
      code: 'at_capacity',
    })
    expect((await ticketRow(other.id)).assigneeId).toBeNull()
    const overridden = await assign(stack.context, { ticket: other, actor: org.admin, assigneeId: org.advocate.id, override: true })
    expect(overridden).toMatchObject({ status: 'applied' })
    expect(
      await stack.db.auditEvent.findFirst({
        where: { orgId: org.org.id, action: 'team.capacity_overridden' },
        select: { actorId: true, data: true },
      }),
    ).toMatchObject({ actorId: org.admin.id, data: { userId: org.advocate.id, ticketNumber: other.number, activeCases: 1, capacity: 1 } })
  })

  it('is refused a colleague’s case that would follow its ticket to them, unless an admin overrides it', async () => {
    // Cleo holds a case; Pat, at capacity, would take it along with its only ticket (decision 014).
    const colleague = async (name: string) =>
      (
        await createUser(stack.db, {
          orgSlug: org.org.slug,
          role: 'staff',
          name,
          email: `${name.split(' ')[0]!.toLowerCase()}-${org.org.slug}@test.example`,
          password: TEST_PASSWORD,
        })
      ).user
    const [cleo, pat] = [await colleague('Cleo Colleague'), await colleague('Pat Full')]
    await capacityOf(pat.id, 0)
    const ticket = await request((await family('Ash Family')).id, 'Held by a colleague', 'Ash')
    expect(await assign(stack.context, { ticket, actor: org.admin, assigneeId: cleo.id })).toMatchObject({ status: 'applied' })
    const { caseId } = await eventually(async () => {
      const row = await ticketRow(ticket.id)
      expect(row.caseId).not.toBeNull()
      return row
    })
    const advocateOfCase = async () =>
      (await stack.db.case.findUniqueOrThrow({ where: { id: caseId! }, select: { advocateId: true } })).advocateId
    expect(await assign(stack.context, { ticket, actor: org.admin, assigneeId: pat.id })).toMatchObject({
      status: 'refused',
      code: 'at_capacity',
    })
    expect(await advocateOfCase()).toBe(cleo.id)
    expect(await assign(stack.context, { ticket, actor: org.admin, assigneeId: pat.id, override: true })).toMatchObject({
      status: 'applied',
    })
    await eventually(async () => expect(await advocateOfCase()).toBe(pat.id))
  })

  it('is answered 409 at_capacity by the API unless an admin actor says override: true', async () => {
    const ticket = await request(org.otherFamily.id, 'Through the API', 'Noor')
    const refused = await apiAssign(ticket.number, { assignee: { email: org.advocate.email } })
    expect(refused.status).toBe(409)
    expect((await refused.json()) as unknown).toMatchObject({ error: { code: 'at_capacity' } })
    const notAdmin = await apiAssign(ticket.number, {
      assignee: { email: org.advocate.email },
      actor: { email: org.advocate.email },
      override: true,
    })
    expect(notAdmin.status).toBe(409)
    const overridden = await apiAssign(ticket.number, { assignee: { email: org.advocate.email }, override: true })
    expect(overridden.status).toBe(200)
    expect((await overridden.json()) as unknown).toMatchObject({ ticket: { assignee: { email: org.advocate.email } } })
    const bad = await apiAssign(ticket.number, { assignee: { email: org.advocate.email }, override: 'yes' })
    expect(bad.status).toBe(400)
  })

  it('is shown as at capacity in triage, offered only with the override, and needs none to join their own case', async () => {
    const loaded = await calls.load(triage, org.admin, '/staff/triage')
    const data = loaded.data as { team: { id: string; load: string; atCapacity: boolean }[] }
    expect(data.team.find((m) => m.id === org.advocate.id)).toMatchObject({ atCapacity: true, load: '3 of 1 case' })
    // A ticket of a case Sam already holds costs no capacity.
    const sameCase = await stack.db.ticket.findFirstOrThrow({
      where: { orgId: org.org.id, assigneeId: org.advocate.id, caseId: { not: null } },
    })
    const fresh = await request(org.family.id, 'Linked by reference')
    const kase = await stack.db.case.findUniqueOrThrow({ where: { id: sameCase.caseId! }, select: { caseRef: true } })
    expect(await linkCase(stack.context, { ticket: fresh, actor: org.admin, caseRef: kase.caseRef })).toMatchObject({ status: 'applied' })
    expect(await assign(stack.context, { ticket: fresh, actor: org.admin, assigneeId: org.advocate.id })).toMatchObject({
      status: 'applied',
    })
  })
})

describe('a new request from a family with an open case', () => {
  it('goes to their advocate at once, joining the case about the same child even at capacity', async () => {
    const kase = await stack.db.case.findFirstOrThrow({ where: { orgId: org.org.id, familyId: org.family.id, childName: 'Leo' } })
    const again = await request(org.family.id, 'Leo again', ' leo ')
    expect(await assignToFamilysAdvocate(stack.context, again)).toMatchObject({ status: 'assigned', advocateId: org.advocate.id })
    await eventually(async () => expect(await ticketRow(again.id)).toMatchObject({ assigneeId: org.advocate.id, caseId: kase.id }))
    const event = await stack.db.ticketEvent.findFirstOrThrow({ where: { ticketId: again.id, kind: 'assigned' } })
    expect(event.data).toMatchObject({ assigneeId: org.advocate.id, familysAdvocate: true })
  })

  it('opens a new case for an advocate with room when it is about another child', async () => {
    const parent = await family('Pat Parent')
    const priya = (
      await createUser(stack.db, {
        orgSlug: org.org.slug,
        role: 'staff',
        name: 'Priya Patel',
        email: `priya-${org.org.slug}@test.example`,
        password: TEST_PASSWORD,
      })
    ).user
    const first = await request(parent.id, 'Ava', 'Ava')
    await assign(stack.context, { ticket: first, actor: org.admin, assigneeId: priya.id })
    await eventually(async () => expect((await ticketRow(first.id)).caseId).not.toBeNull())
    const sibling = await request(parent.id, 'Ben', 'Ben')
    expect(await assignToFamilysAdvocate(stack.context, sibling)).toMatchObject({ status: 'assigned', advocateId: priya.id })
    await eventually(async () => expect((await ticketRow(sibling.id)).caseId).not.toBeNull())
    const [a, b] = await Promise.all([ticketRow(first.id), ticketRow(sibling.id)])
    expect(b.assigneeId).toBe(priya.id)
    expect(b.caseId).not.toBe(a.caseId)
    expect(await stack.db.case.findUniqueOrThrow({ where: { id: b.caseId! } })).toMatchObject({ advocateId: priya.id, childName: 'Ben' })
  })

  it('stays for triage with the reason when their advocate is at capacity, through the API too', async () => {
    const created = await fetch(new URL('/api/v1/tickets', stack.stack.webUrl), {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        requester: { email: org.family.email, name: 'Fran Family' },
        subject: 'About Mia',
        type: 'ehcp',
        body: 'Mia needs help too.',
        childName: 'Mia',
      }),
    })
    expect(created.status).toBe(201)
    const { ticket } = (await created.json()) as { ticket: { number: number; assignee: unknown; status: string } }
    expect(ticket).toMatchObject({ assignee: null, status: 'new' })
    const row = await stack.db.ticket.findFirstOrThrow({ where: { orgId: org.org.id, number: ticket.number }, select: { id: true } })
    expect(await ticketRow(row.id)).toMatchObject({
      assigneeId: null,
      triageNote: expect.stringContaining('Usual advocate Sam Advocate is at capacity'),
    })
    const loaded = await calls.load(triage, org.admin, '/staff/triage')
    const shown = (loaded.data as { tickets: { number: number; triageNote: string | null }[] }).tickets.find(
      (t) => t.number === ticket.number,
    )
    expect(shown?.triageNote).toContain('Usual advocate Sam Advocate is at capacity')
  })
})

describe('Settings → Team', () => {
  it('sets a capacity and specialisms, audited, and refuses nonsense', async () => {
    const membership = await stack.db.membership.findFirstOrThrow({ where: { orgId: org.org.id, userId: org.admin.id } })
    const url = '/staff/settings/team'
    const bad = await calls.act(teamSettings, org.admin, url, { intent: 'set-capacity', membershipId: membership.id, caseCapacity: '-2' })
    expect(bad.status).toBe(400)
    const saved = await calls.act(teamSettings, org.admin, url, {
      intent: 'set-capacity',
      membershipId: membership.id,
      caseCapacity: '4',
      specialisms: 'tribunal',
    })
    expect(saved.status).toBe(302)
    expect(await stack.db.membership.findUniqueOrThrow({ where: { id: membership.id } })).toMatchObject({
      caseCapacity: 4,
      specialisms: ['tribunal'],
    })
    expect(await stack.db.auditEvent.count({ where: { orgId: org.org.id, action: 'team.capacity_changed', actorId: org.admin.id } })).toBe(
      1,
    )
    const staff = await calls.act(teamSettings, org.advocate, url, {
      intent: 'set-capacity',
      membershipId: membership.id,
      caseCapacity: '',
    })
    expect(staff.status).toBe(403)
  })
})

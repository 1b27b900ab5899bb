/**
 * Reassignment as a team meets it, in headless Chromium with JavaScript off
 * against the built portal: an admin reassigns an advocate's case to a colleague
 * on its Team tab with a handover note; the colleague opens the case and reads
 * the note; the outgoing advocate (restricted to another department) can no
 * longer open the case or its ticket, even by address; the family is told who
 * their new advocate is.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createUser } from '../../services/accounts.server.ts'
import { createDepartment, setMemberDepartments } from '../../services/departments.server.ts'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, signedInPage, submitAndFollow } from '../support/browser.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let browser: Browser

beforeAll(async () => {
  stack = await connectToStack()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

const signIn = (email: string) => signedInPage(browser, stack.stack.webUrl, email, { javaScriptEnabled: false })

it('an admin reassigns a case with a handover note: the colleague reads it, the outgoing advocate loses it, the family is told', async () => {
  const org = await createTestOrganisation(stack.db)
  const { user: alex } = await createUser(stack.db, {
    orgSlug: org.org.slug,
    role: 'staff',
    name: 'Alex Incoming',
    email: `staff-alex-${org.org.slug}@test.example`,
    password: TEST_PASSWORD,
  })
  // Sam works tribunals only, so the family's ticket (in the default department) is theirs only while they hold it.
  const tribunals = await createDepartment(stack.db, { orgId: org.org.id, name: 'Tribunals', leadId: null, actorId: null, via: 'cli' })
  if (tribunals.status !== 'created') throw new Error(`could not create the department: ${tribunals.status}`)
  const sam = await stack.db.membership.findFirstOrThrow({ where: { orgId: org.org.id, userId: org.advocate.id }, select: { id: true } })
  await setMemberDepartments(stack.db, {
    orgId: org.org.id,
    membershipId: sam.id,
    departmentIds: [tribunals.id],
    actorId: null,
    via: 'cli',
  })

  const subject = 'Leo’s school transport'
  const ticket = await createTicket(stack.context, {
    orgId: org.org.id,
    requesterId: org.family.id,
    subject,
    type: 'ehcp',
    body: 'The taxi stopped coming after half term.',
    childName: 'Leo',
  })
  expect(await assign(stack.context, { ticket, actor: org.admin, assigneeId: org.advocate.id })).toMatchObject({ status: 'applied' })
  const kase = await eventually(async () => {
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { case: true } })
    expect(row.case).not.toBeNull()
    return row.case!
  })
  const caseUrl = `/staff/cases/${kase.number}`
  const ticketUrl = `/tickets/${org.org.slug}/${ticket.number}`
  const outgoing = await signIn(org.advocate.email)
  expect((await outgoing.goto(caseUrl))?.status()).toBe(200)

  const note = 'The council transport officer promised an answer by Friday; the letter is on the ticket.'
  const admin = await signIn(org.admin.email)
  await admin.goto(`${caseUrl}/team`)
  await admin.getByLabel('Reassign the case to').selectOption(alex.id)
  await admin.getByLabel('Handover note for them (optional)').fill(note)
  await submitAndFollow(admin, 'Reassign case')
  await eventually(async () => {
    const moved = await stack.db.case.findUniqueOrThrow({ where: { id: kase.id }, select: { advocateId: true } })
    expect(moved.advocateId).toBe(alex.id)
  })

  const incoming = await signIn(alex.email)
  await incoming.goto(caseUrl)
  // The note left for them is the first thing on the case.
  await incoming.getByRole('heading', { name: `Handover from ${org.advocate.name}` }).waitFor()
  await incoming.getByText(note).waitFor()
  await incoming.goto(ticketUrl)
  await incoming.getByRole('heading', { level: 1, name: subject }).waitFor()

  expect((await outgoing.goto(caseUrl))?.status()).toBe(404)
  expect((await outgoing.goto(ticketUrl))?.status()).toBe(404)

  const family = await signIn(org.family.email)
  await family.goto('/notifications')
  await expect.poll(() => family.getByText(/^Alex Incoming from .* is now looking after your/).count()).toBeGreaterThan(0)
})

/**
 * Case deadline notices by mail, against the real stack and mail catcher: a
 * next action that falls overdue (the case workflow's own timer) mails the
 * case's advocate and whoever covers it, with a link to the case page; a
 * "daily digest" choice for deadlines puts it in the digest instead.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createUser } from '../../services/accounts.server.ts'
import { addCaseAction } from '../../services/case-commands.server.ts'
import { addCaseCover } from '../../services/case-cover.server.ts'
import { saveMailChoices, sendDigestsNow } from '../../services/mail-choices.server.ts'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { caughtMailTo } from '../support/mail-catcher.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection

beforeAll(async () => {
  stack = await connectToStack()
})
afterAll(async () => {
  await stack?.close()
})

/** A fresh organisation whose advocate has a case (Fran's) with a colleague covering it, and an action due in two seconds. */
async function caseFallingOverdue(title: string) {
  const people = await createTestOrganisation(stack.db)
  const coverEmail = `cover-${people.org.slug}@test.example`
  const { user: cover } = await createUser(stack.db, {
    orgSlug: people.org.slug,
    role: 'staff',
    name: 'Chris Cover',
    email: coverEmail,
    password: TEST_PASSWORD,
  })
  const ticket = await createTicket(stack.context, {
    orgId: people.org.id,
    requesterId: people.family.id,
    subject: title,
    type: 'ehcp',
    body: `${title}.`,
  })
  expect(await assign(stack.context, { ticket, actor: people.admin, assigneeId: people.advocate.id })).toMatchObject({ status: 'applied' })
  const { caseId } = await eventually(async () => {
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { caseId: true } })
    expect(row.caseId).not.toBeNull()
    return row
  })
  const kase = await stack.db.case.findUniqueOrThrow({ where: { id: caseId! }, select: { id: true, number: true, caseRef: true } })
  expect(
    await addCaseCover(stack.db, {
      orgId: people.org.id,
      caseId: kase.id,
      actor: people.admin,
      via: 'portal',
      advocateId: cover.id,
      endsOn: null,
    }),
  ).toMatchObject({ status: 'done' })
  return { people, cover: { ...cover, email: coverEmail }, kase, ticket }
}

async function addActionDueSoon(kase: { id: string }, actor: { id: string }, title: string) {
  const added = await addCaseAction(stack.context, { case: kase, actor, title, ownerId: null, dueAt: new Date(Date.now() + 2_000) })
  expect(added).toMatchObject({ status: 'applied' })
}

it('mails an overdue next action to the advocate and to the cover, with a link to the case', async () => {
  const { people, cover, kase } = await caseFallingOverdue('Overdue by mail')
  await addActionDueSoon(kase, people.advocate, 'Chase the council for the draft plan')
  const subject = `[${kase.caseRef}] Next action overdue`
  for (const email of [people.advocate.email, cover.email]) {
    const [mail] = await eventually(async () => {
      const mails = (await caughtMailTo(email)).filter((m) => m.subject === subject)
      expect(mails).toHaveLength(1)
      return mails
    }, 30_000)
    expect(mail!.text).toContain(`Overdue on case ${kase.caseRef} for Fran Family: “Chase the council for the draft plan” was due`)
    expect(mail!.text).toContain(`/staff/cases/${kase.number}?org=${people.org.slug}`)
    expect(mail!.html).toContain(`/staff/cases/${kase.number}?org=${people.org.slug}`)
  }
  // Staff only: the family hears nothing of it.
  expect((await caughtMailTo(people.family.email)).filter((m) => m.subject.includes(kase.caseRef))).toEqual([])
  const notices = await stack.db.notification.findMany({
    where: { caseId: kase.id, kind: 'case_action_overdue' },
    select: { userId: true, mailedAt: true },
  })
  expect(notices.map((n) => n.userId).sort()).toEqual([people.advocate.id, cover.id].sort())
  expect(notices.every((n) => n.mailedAt !== null)).toBe(true)
})

it('puts an overdue next action in the daily digest of someone who chose the digest for deadlines', async () => {
  const { people, cover, kase } = await caseFallingOverdue('Overdue in the digest')
  await saveMailChoices(stack.context, cover.id, { deadlines: 'daily_digest' })
  await addActionDueSoon(kase, people.advocate, 'Send the parental views')
  const subject = `[${kase.caseRef}] Next action overdue`
  // The advocate (immediately, the default) has it by mail; the cover only in the app, waiting for the digest.
  await eventually(
    async () => expect((await caughtMailTo(people.advocate.email)).filter((m) => m.subject === subject)).toHaveLength(1),
    30_000,
  )
  const notice = await eventually(
    async () => await stack.db.notification.findFirstOrThrow({ where: { userId: cover.id, caseId: kase.id, kind: 'case_action_overdue' } }),
  )
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  expect((await caughtMailTo(cover.email)).filter((m) => m.subject === subject)).toEqual([])

  expect(await sendDigestsNow(stack.context, { actorId: people.admin.id, via: 'portal', orgId: people.org.id })).toBe(1)
  const [digest] = await eventually(async () => {
    const mails = (await caughtMailTo(cover.email)).filter((m) => m.subject.startsWith('Your daily digest'))
    expect(mails).toHaveLength(1)
    return mails
  }, 30_000)
  expect(digest!.subject).toContain('1 notice')
  expect(digest!.text).toContain(`Case ${kase.caseRef}`)
  expect(digest!.text).toContain(notice.text)
  expect(digest!.html).toContain(`/staff/cases/${kase.number}?org=${people.org.slug}`)
  expect((await stack.db.notification.findUniqueOrThrow({ where: { id: notice.id }, select: { digestId: true } })).digestId).not.toBeNull()
})

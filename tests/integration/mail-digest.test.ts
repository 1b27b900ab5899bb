/**
 * The daily digest against the real stack and mail catcher: a notice on a
 * digest topic is not mailed at once; "Send digests now" mails one digest with
 * it; a second send has nothing, so sends nothing and writes no DigestMail.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { saveMailChoices, sendDigestsNow } from '../../services/mail-choices.server.ts'
import { assign, postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { mailDigestWorkflowId } from '../../workflows/mail-digest.messages.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { caughtMailSource, caughtMailTo } from '../support/mail-catcher.ts'
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

it('gathers a family reply into one digest, sent now by an admin, and a second send sends nothing', async () => {
  const ctx = stack.context
  await saveMailChoices(ctx, people.advocate.id, { family_replies: 'daily_digest' })
  const ticket = await createTicket(ctx, {
    orgId: people.org.id,
    requesterId: people.family.id,
    subject: 'Digest me',
    type: 'ehcp',
    body: 'Hi',
  })
  await assign(ctx, { ticket, actor: people.admin, assigneeId: people.advocate.id })
  expect(
    (await postMessage(ctx, { ticket, author: people.family, role: 'family', body: 'A new letter came', visibility: 'public' })).status,
  ).toBe('applied')
  const notice = await eventually(
    async () =>
      await stack.db.notification.findFirstOrThrow({ where: { userId: people.advocate.id, ticketId: ticket.id, kind: 'family_replied' } }),
    30_000,
  )
  // Not mailed one by one: nothing came for it, and its row says so.
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  expect((await caughtMailTo(people.advocate.email)).filter((m) => m.subject === `[#${ticket.number}] The family replied`)).toEqual([])

  const actor = { actorId: people.admin.id, via: 'portal' as const, orgId: people.org.id }
  expect(await sendDigestsNow(ctx, actor)).toBe(1)
  const digests = async () => (await caughtMailTo(people.advocate.email)).filter((m) => m.subject.startsWith('Your daily digest'))
  const [digest] = await eventually(async () => {
    const mails = await digests()
    expect(mails).toHaveLength(1)
    return mails
  }, 30_000)
  expect(digest!.text).toContain(`#${ticket.number} Digest me`)
  expect(digest!.text).toContain(notice.text)
  expect(digest!.html).toContain(`/tickets/${people.org.slug}/${ticket.number}`)
  const source = (await caughtMailSource(digest!.id)).replace(/\r?\n[ \t]+/g, ' ')
  expect(source).toMatch(/^Auto-Submitted:\s*auto-generated/im)
  expect(source).toMatch(/^List-Unsubscribe:\s*<http:\/\/localhost:\d+\/account#mail>/im)
  const marked = await stack.db.notification.findUniqueOrThrow({
    where: { id: notice.id },
    select: { digestId: true, mailedAt: true, readAt: true },
  })
  expect(marked).toMatchObject({ mailedAt: null, readAt: null })
  expect(marked.digestId).not.toBeNull()

  // Nothing waits now: the second send gathers nothing, mails nothing and leaves no empty DigestMail row.
  const workflow = ctx.temporal.workflow.getHandle(mailDigestWorkflowId(people.advocate.id))
  // The run after the one that sent the first digest (its key names its run).
  const firstKey = (await stack.db.digestMail.findFirstOrThrow({ where: { userId: people.advocate.id } })).dedupeKey
  const runBefore = await eventually(async () => {
    const { runId } = await workflow.describe()
    expect(firstKey).not.toBe(`digest:${people.advocate.id}:${runId}`)
    return runId
  }, 30_000)
  expect(await sendDigestsNow(ctx, actor)).toBe(1)
  // A run continues as new only after its send: the new run means the send is done.
  await eventually(async () => expect((await workflow.describe()).runId).not.toBe(runBefore), 30_000)
  expect(await stack.db.digestMail.count({ where: { userId: people.advocate.id } })).toBe(1)
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  expect(await digests()).toHaveLength(1)
  expect(await stack.db.auditEvent.count({ where: { orgId: people.org.id, action: 'mail.digests_sent_now' } })).toBe(2)
})

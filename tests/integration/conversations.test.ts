/**
 * Conversations staff start, on the real stack: from the portal's "Message a
 * family" and the API, a general message and a document request (Pending
 * family, its checklist asking for the file), a new family by email (invited),
 * who may start one, and the family's file ticking the awaited item while
 * their reply moves the ticket back to staff.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../services/api-keys.server.ts'
import { ticketChecklist } from '../../services/checklists.server.ts'
import { postMessage } from '../../services/ticket-commands.server.ts'
import * as newConversation from '../../web/app/routes/staff.conversations.new.tsx'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
let key: string

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  key = (await createApiKey(stack.db, { orgId: a.org.id, name: 'Conversations', createdById: a.admin.id, via: 'cli' })).key
}, 120_000)
afterAll(async () => {
  await stack?.close()
})

const PAGE = '/staff/conversations/new'
const start = (who: { id: string } | null, form: Record<string, string>) => calls.act(newConversation, who, PAGE, form)
const numberOf = (location: string | null | undefined) => Number(location?.split('/').pop())
const row = (orgId: string, number: number) =>
  stack.db.ticket.findFirstOrThrow({
    where: { orgId, number },
    select: {
      id: true,
      kind: true,
      requestedDocument: true,
      status: true,
      awaiting: true,
      assigneeId: true,
      requesterId: true,
      slaTargets: true,
      messages: { select: { authorId: true, body: true } },
    },
  })
const targetKinds = (targets: unknown) => (targets as { kind: string }[]).map((t) => t.kind)

describe('Message a family, in the portal', () => {
  it('starts a general message: In progress, the author’s, awaiting the family, without a first-response target, the family told', async () => {
    const answer = await start(a.advocate, {
      familyId: a.family.id,
      kind: 'general',
      subject: 'Your annual review',
      message: 'The school has set a date.',
    })
    expect(answer).toMatchObject({ status: 302 })
    const ticket = await row(a.org.id, numberOf(answer.location))
    expect(ticket).toMatchObject({
      kind: 'conversation',
      requestedDocument: null,
      status: 'in_progress',
      awaiting: 'family',
      assigneeId: a.advocate.id,
      requesterId: a.family.id,
      messages: [{ authorId: a.advocate.id, body: 'The school has set a date.' }],
    })
    expect(targetKinds(ticket.slaTargets)).not.toContain('first_response')
    await eventually(async () =>
      expect(
        await stack.db.notification.findFirst({ where: { ticketId: ticket.id, userId: a.family.id, kind: 'conversation_started' } }),
      ).toMatchObject({
        text: expect.stringContaining('Sam Advocate wrote to you'),
      }),
    )
    // The family reads it as a conversation.
    const page = await calls.load(ticketPage, a.family, `/tickets/${a.org.slug}/${numberOf(answer.location)}`, {
      orgSlug: a.org.slug,
      number: String(numberOf(answer.location)),
    })
    expect(page.data).toMatchObject({ ticket: { conversation: true, awaitedDocument: null } })
  })

  it('starts a document request: Pending family, its item “Send us: …”, and the family’s file ticks it and moves the ticket back', async () => {
    const answer = await start(a.advocate, {
      familyId: a.family.id,
      kind: 'document_request',
      document: 'Latest EHCP draft',
      subject: 'We need the draft plan',
      message: 'Please upload the draft the council sent you.',
    })
    expect(answer).toMatchObject({ status: 302 })
    const number = numberOf(answer.location)
    const ticket = await row(a.org.id, number)
    expect(ticket).toMatchObject({
      kind: 'conversation',
      requestedDocument: 'Latest EHCP draft',
      status: 'pending_family',
      awaiting: 'family',
    })
    const checklist = await ticketChecklist(stack.db, ticket.id, 'family')
    expect(checklist.items).toMatchObject([{ title: 'Send us: Latest EHCP draft', awaitsFamilyFile: true, done: false }])
    const params = { orgSlug: a.org.slug, number: String(number) }
    const page = await calls.load(ticketPage, a.family, `/tickets/${a.org.slug}/${number}`, params)
    expect(page.data).toMatchObject({ ticket: { conversation: true, awaitedDocument: 'Latest EHCP draft' } })

    // A reply without a file leaves the item waiting; the one with the file ticks it.
    const reply = (attachments: { filename: string; contentType: string; bytes: Uint8Array }[]) =>
      postMessage(stack.context, {
        ticket: { id: ticket.id },
        author: { id: a.family.id },
        role: 'family',
        body: 'Here it is.',
        visibility: 'public',
        attachments,
      })
    expect(await reply([])).toMatchObject({ status: 'applied', view: { status: 'in_progress', awaiting: 'staff' } })
    expect((await ticketChecklist(stack.db, ticket.id, 'family')).items[0]).toMatchObject({ done: false })
    await reply([{ filename: 'draft.pdf', contentType: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 draft') }])
    const [item] = (await ticketChecklist(stack.db, ticket.id, 'staff')).items
    expect(item).toMatchObject({ done: true, doneBy: { id: a.family.id } })
    expect(
      await stack.db.auditEvent.count({
        where: { orgId: a.org.id, action: 'checklist.item_ticked', data: { path: ['ticketId'], equals: ticket.id } },
      }),
    ).toBe(1)
    const after = await calls.load(ticketPage, a.family, `/tickets/${a.org.slug}/${number}`, params)
    expect(after.data).toMatchObject({ ticket: { awaitedDocument: null } })
  })

  it('starts one with a new family by email, who gets an account and an invitation', async () => {
    const email = `new-${randomUUID().slice(0, 8)}@family.example`
    const answer = await start(a.admin, {
      familyId: 'new',
      newEmail: email,
      newName: 'Nia New',
      kind: 'general',
      subject: 'Hello',
      message: 'Welcome.',
    })
    expect(answer).toMatchObject({ status: 302 })
    const family = await stack.db.user.findUniqueOrThrow({ where: { email }, select: { id: true, passwordHash: true } })
    expect(family.passwordHash).toBeNull()
    expect(await stack.db.membership.count({ where: { orgId: a.org.id, userId: family.id, role: 'family' } })).toBe(1)
    expect(await stack.db.outboxEmail.count({ where: { to: email, subject: { contains: 'has written to you' } } })).toBe(1)
  })

  it('refuses bad input with the fields’ messages, another organisation’s family, and a family or outsider', async () => {
    const missing = await start(a.advocate, { familyId: a.family.id, kind: 'document_request', subject: '', message: 'x' })
    expect(missing.status).toBe(400)
    expect((missing.data as { fieldErrors: Record<string, string[]> }).fieldErrors).toMatchObject({
      subject: expect.any(Array),
      document: ['Name the document you need'],
    })
    const other = await start(a.advocate, { familyId: b.family.id, kind: 'general', subject: 'Hi', message: 'Hi' })
    expect(other.status).toBe(400)
    expect(await stack.db.ticket.count({ where: { requesterId: b.family.id, orgId: a.org.id } })).toBe(0)
    expect((await calls.load(newConversation, a.family, PAGE)).status).toBe(403)
    expect((await start(a.family, { familyId: a.otherFamily.id, kind: 'general', subject: 'Hi', message: 'Hi' })).status).toBe(403)
    expect((await calls.load(newConversation, null, PAGE)).status).toBe(302)
    expect((await calls.load(newConversation, a.advocate, `${PAGE}?org=${b.org.slug}`)).status).toBe(404)
  })

  it('finds the organisation’s families by name or email, and no one else’s', async () => {
    const found = await calls.load(newConversation, a.advocate, `${PAGE}?q=fran`)
    expect((found.data as { families: { id: string }[] }).families.map((f) => f.id)).toEqual([a.family.id])
  })
})

describe('POST /api/v1/conversations', () => {
  const api = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.stack.webUrl}/api/v1/conversations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })

  it('starts a document request once per Idempotency-Key, as the key’s creator', async () => {
    const body = {
      family: { id: a.otherFamily.id },
      kind: 'document_request',
      document: 'School report',
      subject: 'Report',
      body: 'Please send it.',
    }
    const idempotencyKey = randomUUID()
    const first = await api(body, { 'Idempotency-Key': idempotencyKey })
    expect(first.status).toBe(201)
    const created = (await first.json()) as { ticket: { number: number; status: string; assignee: unknown } }
    expect(created.ticket.status).toBe('pending_family')
    const again = await api(body, { 'Idempotency-Key': idempotencyKey })
    expect(again.headers.get('Idempotent-Replayed')).toBe('true')
    expect(((await again.json()) as typeof created).ticket.number).toBe(created.ticket.number)
    expect(await row(a.org.id, created.ticket.number)).toMatchObject({ kind: 'conversation', assigneeId: a.admin.id })
  })

  it('answers 404 for another organisation’s family and 422 for a document request without its document', async () => {
    const other = await api({ family: { id: b.family.id }, kind: 'general', subject: 'Hi', body: 'Hi' })
    expect(other.status).toBe(404)
    expect(await other.json()).toMatchObject({ error: { code: 'not_found' } })
    const unnamed = await api({ family: { id: a.family.id }, kind: 'document_request', subject: 'Hi', body: 'Hi' })
    expect(unnamed.status).toBe(422)
    expect((await api({ family: { id: a.family.id }, kind: 'letter', subject: 'Hi', body: 'Hi' })).status).toBe(400)
  })
})

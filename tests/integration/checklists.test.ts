/**
 * Ticket checklists on the real stack: the service keeps positions dense and
 * audits each change on the ticket's timeline; staff who see the ticket edit
 * it, restricted staff outside its department and families do not; with
 * "Tell the family" (notifyFamily in the API) the family is told, in the
 * portal and by mail, of a step added or ticked, never of a staff-only one.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../services/api-keys.server.ts'
import {
  addChecklistItem,
  moveChecklistItem,
  removeChecklistItem,
  ticketChecklist,
  updateChecklistItem,
} from '../../services/checklists.server.ts'
import { ticketHistory } from '../../services/ticket-history.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import * as queue from '../../web/app/routes/staff.tickets.tsx'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { eventually } from '../support/eventually.ts'
import { createDepartmentsWithRestrictedAdvocate, createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { caughtMailTo } from '../support/mail-catcher.ts'
import { PortalClient, signInOver } from '../support/portal-client.ts'
import { routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
/** In Tribunals; the restricted advocate works only Annual reviews. */
let ticket: { id: string; orgId: string; number: number }
let restricted: { id: string; email: string }

const cli = { actorId: null, via: 'cli' } as const

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  const departments = await createDepartmentsWithRestrictedAdvocate(stack.db, a.org)
  const { tribunals } = departments
  restricted = departments.restricted
  ticket = await createTicket(stack.context, {
    orgId: a.org.id,
    requesterId: a.family.id,
    departmentId: tribunals.id,
    type: 'tribunal',
    subject: 'Hearing bundle',
    body: 'Our hearing is in May.',
  })
}, 120_000)
afterAll(async () => {
  await stack?.close()
})

const titles = async (audience: 'staff' | 'family' = 'staff') =>
  (await ticketChecklist(stack.db, ticket.id, audience)).items.map((i) => i.title)
const positions = async () => (await ticketChecklist(stack.db, ticket.id, 'staff')).items.map((i) => i.position)
const page = () => `/tickets/${a.org.slug}/${ticket.number}`
const params = () => ({ orgSlug: a.org.slug, number: String(ticket.number) })
type Checklist = {
  progress: { words: string }
  items: { id: string; title: string; done: boolean; staffOnly: boolean; doneBy: string | null }[]
}
const pageChecklist = async (who: { id: string; email: string } = a.advocate) =>
  ((await calls.load(ticketPage, who, page(), params())).data as { checklist: Checklist }).checklist
const add = (title: string, staffOnly = false, actorId: string | null = a.advocate.id) =>
  addChecklistItem(stack.db, { ticket, title, staffOnly, actorId, via: 'portal' })

describe('the checklist service', () => {
  it('adds, renames, moves, ticks, unticks and removes, keeping positions dense and auditing each change on the timeline', async () => {
    const first = (await add('  Request the EHCP draft '))!
    const second = (await add('Book the hearing room', true))!
    const third = (await add('Send the bundle'))!
    expect(await titles()).toEqual(['Request the EHCP draft', 'Book the hearing room', 'Send the bundle'])
    const me = { ticket, actorId: a.advocate.id, via: 'portal' } as const

    expect(await moveChecklistItem(stack.db, { ...me, itemId: third.id, direction: 'up' })).toMatchObject({ status: 'changed' })
    expect(await moveChecklistItem(stack.db, { ...me, itemId: first.id, direction: 'up' })).toMatchObject({ status: 'unchanged' })
    expect(await titles()).toEqual(['Request the EHCP draft', 'Send the bundle', 'Book the hearing room'])

    const ticked = await updateChecklistItem(stack.db, { ...me, itemId: first.id, done: true })
    expect(ticked).toMatchObject({ status: 'changed', item: { done: true, doneBy: { id: a.advocate.id } } })
    expect((await ticketChecklist(stack.db, ticket.id, 'staff')).progress).toEqual({ done: 1, total: 3 })
    expect(await updateChecklistItem(stack.db, { ...me, itemId: first.id, done: true })).toMatchObject({ status: 'unchanged' })
    expect(await updateChecklistItem(stack.db, { ...me, itemId: first.id, done: false })).toMatchObject({
      status: 'changed',
      item: { done: false, doneBy: null, doneAt: null },
    })
    await updateChecklistItem(stack.db, { ...me, itemId: third.id, title: 'Send the hearing bundle' })

    expect(await removeChecklistItem(stack.db, { ...me, itemId: first.id })).toMatchObject({ status: 'changed' })
    expect(await titles()).toEqual(['Send the hearing bundle', 'Book the hearing room'])
    expect(await positions()).toEqual([0, 1])
    expect(await removeChecklistItem(stack.db, { ...me, itemId: first.id })).toEqual({ status: 'not_found' })
    expect(second.staffOnly).toBe(true)

    const lines = (await ticketHistory(stack.db, ticket)).map((l) => l.text)
    expect(lines).toEqual([
      'Sam Advocate added the checklist item “Request the EHCP draft”',
      'Sam Advocate added the staff-only checklist item “Book the hearing room”',
      'Sam Advocate added the checklist item “Send the bundle”',
      'Sam Advocate moved “Send the bundle” up the checklist',
      'Sam Advocate ticked “Request the EHCP draft”',
      'Sam Advocate unticked “Request the EHCP draft”',
      'Sam Advocate renamed the checklist item “Send the bundle” to “Send the hearing bundle”',
      'Sam Advocate removed the checklist item “Request the EHCP draft”',
    ])
  })

  it('keeps positions dense when two people add and remove at once', async () => {
    const made = await Promise.all(Array.from({ length: 6 }, (_, i) => add(`Parallel ${i}`)))
    await Promise.all(made.slice(0, 3).map((item) => removeChecklistItem(stack.db, { ticket, itemId: item!.id, ...cli })))
    const all = await positions()
    expect(all).toEqual(all.map((_, i) => i))
    await Promise.all(made.slice(3).map((item) => removeChecklistItem(stack.db, { ticket, itemId: item!.id, ...cli })))
  })

  it('hides staff-only items from the family', async () => {
    expect(await titles('family')).toEqual(['Send the hearing bundle'])
    expect((await ticketChecklist(stack.db, ticket.id, 'family')).progress).toEqual({ done: 0, total: 1 })
  })

  it('refuses a blank or overlong title', async () => {
    await expect(add('   ')).rejects.toThrow()
    await expect(add('x'.repeat(201))).rejects.toThrow()
    expect((await add('x'.repeat(200)))!.title).toHaveLength(200)
  })

  it('lets only staff who see the ticket change it: not restricted staff of another department, not the family, not another organisation', async () => {
    for (const actorId of [restricted.id, a.family.id, b.admin.id]) {
      expect(await add('Not theirs', false, actorId)).toBeNull()
      const [item] = (await ticketChecklist(stack.db, ticket.id, 'staff')).items
      expect(await updateChecklistItem(stack.db, { ticket, itemId: item!.id, done: true, actorId, via: 'portal' })).toEqual({
        status: 'not_found',
      })
      expect(await removeChecklistItem(stack.db, { ticket, itemId: item!.id, actorId, via: 'portal' })).toEqual({ status: 'not_found' })
    }
    expect(await titles()).not.toContain('Not theirs')
    expect(await add('The admin’s', false, a.admin.id)).not.toBeNull()
  })
})

describe('the ticket page', () => {
  it('adds, ticks, unticks, renames, moves and removes through its forms, with progress in words', async () => {
    for (const item of (await ticketChecklist(stack.db, ticket.id, 'staff')).items)
      await removeChecklistItem(stack.db, { ticket, itemId: item.id, ...cli })
    const act = (form: Record<string, string>) => calls.act(ticketPage, a.advocate, page(), form, params())
    expect((await act({ intent: 'add-checklist-item', title: 'Ask the school for reports' })).status).toBe(302)
    expect((await act({ intent: 'add-checklist-item', title: 'Check the funding', staffOnly: '1' })).status).toBe(302)
    let checklist = await pageChecklist()
    expect(checklist.items.map((i) => [i.title, i.staffOnly])).toEqual([
      ['Ask the school for reports', false],
      ['Check the funding', true],
    ])
    expect(checklist.progress.words).toBe('0 of 2 done')
    const [reports, funding] = checklist.items

    expect((await act({ intent: 'tick-checklist-item', itemId: reports!.id, done: '1' })).status).toBe(302)
    checklist = await pageChecklist()
    expect(checklist.progress.words).toBe('1 of 2 done')
    expect(checklist.items[0]).toMatchObject({ done: true, doneBy: 'Sam Advocate' })
    // An unticked box sends nothing: the item is not done.
    expect((await act({ intent: 'tick-checklist-item', itemId: reports!.id })).status).toBe(302)
    expect((await pageChecklist()).progress.words).toBe('0 of 2 done')

    expect((await act({ intent: 'rename-checklist-item', itemId: funding!.id, title: 'Check the LA funding' })).status).toBe(302)
    expect((await act({ intent: 'move-checklist-item', itemId: funding!.id, direction: 'up' })).status).toBe(302)
    expect((await pageChecklist()).items.map((i) => i.title)).toEqual(['Check the LA funding', 'Ask the school for reports'])
    expect((await act({ intent: 'remove-checklist-item', itemId: reports!.id })).status).toBe(302)
    expect((await pageChecklist()).items.map((i) => i.title)).toEqual(['Check the LA funding'])
  })

  it('answers bad input with 400 and a message, and an item of another ticket as gone', async () => {
    const act = (form: Record<string, string>) => calls.act(ticketPage, a.advocate, page(), form, params())
    for (const title of ['   ', 'x'.repeat(201), 'bell\u0007'])
      expect((await act({ intent: 'add-checklist-item', title })).status, JSON.stringify(title)).toBe(400)
    const blank = await act({ intent: 'add-checklist-item', title: '' })
    expect((blank.data as { fieldErrors: Record<string, string[]> }).fieldErrors.title).toEqual(['Name the step'])
    expect((await act({ intent: 'move-checklist-item', itemId: randomUUID(), direction: 'sideways' })).status).toBe(400)
    const gone = await act({ intent: 'tick-checklist-item', itemId: randomUUID(), done: '1' })
    expect(gone.status).toBe(400)
    expect(gone.data).toMatchObject({ formError: 'That checklist item is no longer there.' })
  })

  it('refuses the family (403) and staff who do not see the ticket (404)', async () => {
    const [item] = (await ticketChecklist(stack.db, ticket.id, 'staff')).items
    for (const [who, status] of [
      [a.family, 403],
      [restricted, 404],
      [b.admin, 404],
    ] as const) {
      for (const form of [
        { intent: 'add-checklist-item', title: 'Sneaky' } as Record<string, string>,
        { intent: 'tick-checklist-item', itemId: item!.id, done: '1' },
        { intent: 'remove-checklist-item', itemId: item!.id },
      ])
        expect((await calls.act(ticketPage, who, page(), form, params())).status, `${who.email} ${form.intent}`).toBe(status)
    }
    expect((await ticketChecklist(stack.db, ticket.id, 'staff')).items).toEqual([item])
  })
})

describe('the family', () => {
  it('reads the steps that are not staff only, with their state and progress, and never a staff-only one', async () => {
    for (const item of (await ticketChecklist(stack.db, ticket.id, 'staff')).items)
      await removeChecklistItem(stack.db, { ticket, itemId: item.id, ...cli })
    const done = (await add('Send us the school reports'))!
    await add('Read the draft plan')
    await add('Check the internal funding note', true)
    await updateChecklistItem(stack.db, { ticket, itemId: done.id, done: true, actorId: a.advocate.id, via: 'portal' })

    const data = (await calls.load(ticketPage, a.family, page(), params())).data as {
      role: string
      checklist: { progress: { words: string }; items: { title: string; done: boolean }[] }
    }
    expect(data.role).toBe('family')
    expect(data.checklist.progress.words).toBe('1 of 2 done')
    expect(data.checklist.items).toEqual([
      expect.objectContaining({ title: 'Send us the school reports', done: true }),
      expect.objectContaining({ title: 'Read the draft plan', done: false }),
    ])
    expect(JSON.stringify(data)).not.toContain('internal funding note')

    const client = new PortalClient(stack.stack.webUrl)
    expect((await signInOver(client, a.family.email, TEST_PASSWORD)).status).toBe(302)
    const html = (await client.get(page())).body
    expect(html).toContain('1 of 2 done')
    expect(html).toContain('Read the draft plan')
    expect(html).toContain('(not done yet)')
    expect(html).not.toContain('internal funding note')
    // No form of the checklist for the family: it is read only.
    expect(html).not.toContain('tick-checklist-item')
    expect(html).not.toContain('Sam Advocate')
  })
})

describe('the staff queue', () => {
  it('shows each ticket’s progress, staff-only items counted, as 1/3 with its words for screen readers; none without a checklist', async () => {
    const bare = await createTicket(stack.context, {
      orgId: a.org.id,
      requesterId: a.family.id,
      type: 'general',
      subject: 'No steps here',
      body: 'Just a question.',
    })
    const answer = await calls.load(queue, a.admin, `/staff/tickets?view=all&org=${a.org.slug}`)
    const rows = (answer.data as { tickets: { number: number; checklist: { done: number; total: number } | null }[] }).tickets
    expect(rows.find((t) => t.number === ticket.number)?.checklist).toEqual({ done: 1, total: 3 })
    expect(rows.find((t) => t.number === bare.number)?.checklist).toBeNull()

    const client = new PortalClient(stack.stack.webUrl)
    expect((await signInOver(client, a.admin.email, TEST_PASSWORD)).status).toBe(302)
    const html = (await client.get(`/staff/tickets?view=all&org=${a.org.slug}`)).body
    expect(html).toContain('1 of 3 checklist items done')
    expect(html).toMatch(/1<!-- -->\/<!-- -->3|1\/3/)
  })
})

describe('resolving with unfinished items', () => {
  it('asks in the portal first, and resolves on the second submit with confirm=1', async () => {
    const act = (form: Record<string, string>) => calls.act(ticketPage, a.admin, page(), form, params())
    const asked = await act({ intent: 'change-status', status: 'resolved' })
    expect(asked.status).toBe(409)
    expect(asked.data).toMatchObject({ confirm: '2 checklist items are not done yet. Resolve the ticket anyway?' })
    expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).not.toBe('resolved')
    expect((await act({ intent: 'change-status', status: 'resolved', confirm: '1' })).status).toBe(302)
    const view = (await calls.load(ticketPage, a.admin, page(), params())).data as { ticket: { status: string } }
    expect(view.ticket.status).toBe('resolved')
  })

  it('asks before "Send and set Resolved" too, keeping the reply unsent until confirmed', async () => {
    const open = await createTicket(stack.context, {
      orgId: a.org.id,
      requesterId: a.family.id,
      type: 'general',
      subject: 'Reply and resolve',
      body: 'Is it done?',
    })
    await addChecklistItem(stack.db, { ticket: open, title: 'Still open', staffOnly: false, ...cli })
    const at = { url: `/tickets/${a.org.slug}/${open.number}`, params: { orgSlug: a.org.slug, number: String(open.number) } }
    const reply = { intent: 'reply', visibility: 'public', body: 'All sorted now.', thenStatus: 'resolved' }
    const asked = await calls.act(ticketPage, a.admin, at.url, reply, at.params)
    expect(asked.status).toBe(409)
    expect(asked.data).toMatchObject({
      confirm: '1 checklist item is not done yet. Resolve the ticket anyway?',
      values: { body: 'All sorted now.' },
    })
    expect(await stack.db.message.count({ where: { ticketId: open.id, body: 'All sorted now.' } })).toBe(0)
    expect((await calls.act(ticketPage, a.admin, at.url, { ...reply, confirm: '1' }, at.params)).status).toBe(302)
    expect(await stack.db.message.count({ where: { ticketId: open.id, body: 'All sorted now.' } })).toBe(1)
    expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: open.id } })).status).toBe('resolved')
  })

  it('answers 409 checklist_incomplete over the API unless force is true', async () => {
    const open = await createTicket(stack.context, {
      orgId: a.org.id,
      requesterId: a.family.id,
      type: 'general',
      subject: 'Resolve me',
      body: 'Thanks.',
    })
    await addChecklistItem(stack.db, { ticket: open, title: 'Not yet', staffOnly: false, ...cli })
    const key = (await createApiKey(stack.db, { orgId: a.org.id, name: 'Checklists', createdById: a.admin.id, via: 'cli' })).key
    const post = async (body: unknown) => {
      const response = await fetch(`${stack.stack.webUrl}/api/v1/tickets/${open.number}/status`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
      return { status: response.status, body: (await response.json()) as { error?: { code: string } } }
    }
    const actor = { email: a.admin.email }
    const refused = await post({ status: 'resolved', actor })
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'checklist_incomplete' } } })
    expect((await post({ status: 'resolved', actor, force: true })).status).toBe(200)
  })
})

describe('the API', () => {
  it('reads, adds, ticks, renames and removes items; another organisation’s key and a restricted actor find nothing', async () => {
    const own = await createTicket(stack.context, {
      orgId: a.org.id,
      requesterId: a.family.id,
      type: 'ehcp',
      subject: 'By API',
      body: 'Hello.',
    })
    const keyOf = async (org: typeof a) =>
      (await createApiKey(stack.db, { orgId: org.org.id, name: 'Checklist API', createdById: org.admin.id, via: 'cli' })).key
    const [key, otherKey] = [await keyOf(a), await keyOf(b)]
    const call = async (method: string, route: string, body?: unknown, withKey = key) => {
      const response = await fetch(`${stack.stack.webUrl}/api/v1/tickets/${own.number}/checklist${route}`, {
        method,
        headers: { Authorization: `Bearer ${withKey}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      })
      return { status: response.status, body: (await response.json()) as any }
    }
    const added = await call('POST', '', { title: '  Ask the school for the SENCo report ', staffOnly: true })
    expect(added).toMatchObject({
      status: 201,
      body: { item: { title: 'Ask the school for the SENCo report', staffOnly: true, done: false } },
    })
    const itemId = added.body.item.id as string
    await call('POST', '', { title: 'Send the family the draft' })
    expect(
      (await call('PATCH', `/${itemId}`, { done: true, title: 'Ask the school for the SENCo and OT reports' })).body.item,
    ).toMatchObject({
      done: true,
      title: 'Ask the school for the SENCo and OT reports',
      doneBy: 'Ada Admin',
    })
    expect((await call('GET', '')).body).toMatchObject({ progress: { done: 1, total: 2 } })
    expect(await call('PATCH', `/${itemId}`, { done: true })).toMatchObject({ status: 200, body: { item: { done: true } } })
    expect((await call('POST', '', { title: '   ' })).status).toBe(400)
    expect((await call('GET', '', undefined, otherKey)).status).toBe(404)
    expect((await call('PATCH', `/${itemId}`, { done: false }, otherKey)).status).toBe(404)
    expect((await call('GET', `?actor=${encodeURIComponent(restricted.email)}`)).status).toBe(404)
    expect((await call('PATCH', `/${randomUUID()}`, { done: true })).status).toBe(404)
    const removed = await call('DELETE', `/${itemId}`)
    expect(removed).toMatchObject({ status: 200, body: { items: [{ title: 'Send the family the draft', position: 0 }] } })
    expect((await call('DELETE', `/${itemId}`)).status).toBe(404)
  })
})

describe('telling the family', () => {
  const noticesOf = (ticketId: string) =>
    stack.db.notification.findMany({
      where: { ticketId, userId: a.family.id, kind: 'checklist_changed' },
      orderBy: { createdAt: 'asc' },
      select: { text: true },
    })
  const mailsOf = async (number: number) =>
    (await caughtMailTo(a.family.email)).filter((m) => m.subject.startsWith(`[#${number}] Your checklist`))
  const newTicket = (subject: string) =>
    createTicket(stack.context, { orgId: a.org.id, requesterId: a.family.id, type: 'ehcp', subject, body: 'Please help.' })

  it('from the ticket page: a step added and one ticked reach the family in the portal and by mail, once each; staff-only steps never', async () => {
    const told = await newTicket('Told of the steps')
    const at = `/tickets/${a.org.slug}/${told.number}`
    const act = (form: Record<string, string>) =>
      calls.act(ticketPage, a.advocate, at, form, { orgSlug: a.org.slug, number: String(told.number) })
    expect((await act({ intent: 'add-checklist-item', title: 'Send the school report', tellFamily: '1' })).status).toBe(302)
    expect((await act({ intent: 'add-checklist-item', title: 'Check the funding note', staffOnly: '1', tellFamily: '1' })).status).toBe(302)
    expect((await act({ intent: 'add-checklist-item', title: 'Read the draft plan' })).status).toBe(302)
    const [report, funding, draft] = (await ticketChecklist(stack.db, told.id, 'staff')).items
    // Ticked, unticked and ticked again: the family hears of the tick once.
    for (const done of ['1', '', '1'])
      expect((await act({ intent: 'tick-checklist-item', itemId: report!.id, ...(done ? { done, tellFamily: '1' } : {}) })).status).toBe(
        302,
      )
    expect((await act({ intent: 'tick-checklist-item', itemId: funding!.id, done: '1', tellFamily: '1' })).status).toBe(302)
    // Without the box ticked, the family is not told.
    expect((await act({ intent: 'tick-checklist-item', itemId: draft!.id, done: '1' })).status).toBe(302)

    const expected = [
      `Your advocate added a step for you on request #${told.number}: “Send the school report”.`,
      `Your advocate ticked “Send the school report” on request #${told.number}.`,
    ]
    await eventually(async () => expect((await noticesOf(told.id)).map((n) => n.text)).toEqual(expected), 30_000)
    const mails = await eventually(async () => {
      const caught = await mailsOf(told.number)
      expect(caught).toHaveLength(2)
      return caught
    }, 30_000)
    expect(mails.map((m) => m.text).join('\n')).toContain('“Send the school report”')
    // The staff-only step's signal was never sent; a later notice would have come by now.
    await act({ intent: 'add-checklist-item', title: 'Last step', tellFamily: '1' })
    await eventually(async () => expect(await noticesOf(told.id)).toHaveLength(3), 30_000)
    const everything = JSON.stringify([await noticesOf(told.id), await mailsOf(told.number)])
    expect(everything).not.toContain('funding note')
    expect(everything).not.toContain('draft plan')
  }, 90_000)

  it('through the API: notifyFamily on adding and ticking tells the family; not on a staff-only step', async () => {
    const told = await newTicket('Told by the API')
    const { key } = await createApiKey(stack.db, { orgId: a.org.id, name: 'Notices', createdById: a.admin.id, via: 'cli' })
    const call = async (method: string, route: string, body: unknown) => {
      const response = await fetch(`${stack.stack.webUrl}/api/v1/tickets/${told.number}/checklist${route}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
      return { status: response.status, body: (await response.json()) as { item: { id: string } } }
    }
    const hidden = await call('POST', '', { title: 'Internal: diary the decision', staffOnly: true, notifyFamily: true })
    expect(hidden.status).toBe(201)
    expect((await call('PATCH', `/${hidden.body.item.id}`, { done: true, notifyFamily: true })).status).toBe(200)
    const added = await call('POST', '', { title: 'Sign the consent form', notifyFamily: true })
    expect(added.status).toBe(201)
    expect((await call('PATCH', `/${added.body.item.id}`, { done: true, notifyFamily: true })).status).toBe(200)
    expect((await call('PATCH', `/${added.body.item.id}`, { notifyFamily: 'yes' })).status).toBe(400)
    await eventually(
      async () =>
        expect((await noticesOf(told.id)).map((n) => n.text)).toEqual([
          `Your advocate added a step for you on request #${told.number}: “Sign the consent form”.`,
          `Your advocate ticked “Sign the consent form” on request #${told.number}.`,
        ]),
      30_000,
    )
    expect(JSON.stringify(await noticesOf(told.id))).not.toContain('diary')
  }, 60_000)
})

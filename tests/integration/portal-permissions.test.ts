/**
 * Who may load and do what, route by route: every portal loader and action is
 * called directly with a signed session cookie (or none) for each kind of
 * person. Someone who may not see a ticket gets 404 (it does not exist for
 * them), someone who sees it but may not change it that way gets 403, and
 * signed-out visitors are sent to sign in.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as account from '../../web/app/routes/account.tsx'
import * as forgotPassword from '../../web/app/routes/forgot-password.tsx'
import * as home from '../../web/app/routes/_index.tsx'
import * as login from '../../web/app/routes/login.tsx'
import * as logout from '../../web/app/routes/logout.tsx'
import * as myTickets from '../../web/app/routes/my.tickets.tsx'
import * as newConversation from '../../web/app/routes/staff.conversations.new.tsx'
import * as notifications from '../../web/app/routes/notifications.tsx'
import * as directory from '../../web/app/routes/orgs._index.tsx'
import * as profile from '../../web/app/routes/orgs.$slug._index.tsx'
import * as requestSupport from '../../web/app/routes/orgs.$slug.request.tsx'
import * as resetPassword from '../../web/app/routes/reset-password.tsx'
import * as signup from '../../web/app/routes/signup.tsx'
import * as settingsApiKeys from '../../web/app/routes/staff.settings.api-keys.tsx'
import * as settingsIndex from '../../web/app/routes/staff.settings._index.tsx'
import * as settingsOrganisation from '../../web/app/routes/staff.settings.organisation.tsx'
import * as settingsSavedReplies from '../../web/app/routes/staff.settings.saved-replies.tsx'
import * as settingsSlaPolicy from '../../web/app/routes/staff.settings.sla-policy.tsx'
import * as settingsTeam from '../../web/app/routes/staff.settings.team.tsx'
import * as settingsTemplates from '../../web/app/routes/staff.settings.templates.tsx'
import * as settings from '../../web/app/routes/staff.settings.tsx'
import * as queue from '../../web/app/routes/staff.tickets.tsx'
import * as taskBoard from '../../web/app/routes/staff.tasks.tsx'
import * as triage from '../../web/app/routes/staff.triage.tsx'
import * as bulkChange from '../../web/app/routes/staff.bulk._index.tsx'
import * as bulkJob from '../../web/app/routes/staff.bulk.$jobId.tsx'
import * as attachmentFile from '../../web/app/routes/tickets.$orgSlug.$number_.attachments.$attachmentId.ts'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { SlaPolicySchema } from '../../domain/sla-schemas.ts'
import { createOrganisation, createUser } from '../../services/accounts.server.ts'
import { authenticateApiKey } from '../../services/api-keys.server.ts'
import { organisationSlaPolicy } from '../../services/sla-policy.server.ts'
import type { ServiceContext } from '../../services/context.ts'
import { changeMemberRole } from '../../services/team.server.ts'
import { assign, changeStatus, postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { createTicketTask } from '../../services/tasks.server.ts'
import { policyFormValues } from '../../web/app/utils/sla-policy-form.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { outcome, routeCalls, type Outcome, type Person } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let context: ServiceContext
let dataDir: string
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
let ticket: { id: string; orgId: string; number: number }
let path_: string
let publicFile: string
let internalFile: string

beforeAll(async () => {
  stack = await connectToStack()
  // Files written by these direct calls go to a directory of their own.
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'caseway-permissions-'))
  context = { ...stack.context, env: { ...stack.context.env, dataDir } }
  calls = routeCalls(stack, context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  ticket = await createTicket(context, {
    orgId: a.org.id,
    requesterId: a.family.id,
    subject: 'Permissions: our annual review',
    type: 'annual_review',
    body: 'The review is next month.',
    attachments: [{ filename: 'review.pdf', contentType: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 review') }],
  })
  path_ = `/tickets/${a.org.slug}/${ticket.number}`
  const note = await postMessage(context, {
    ticket,
    author: a.advocate,
    role: 'staff',
    body: 'Internal: check the funding panel date',
    visibility: 'internal',
    attachments: [{ filename: 'panel.txt', contentType: 'text/plain', bytes: new TextEncoder().encode('panel notes') }],
  })
  expect(note.status).toBe('applied')
  const files = await stack.db.attachment.findMany({ where: { ticketId: ticket.id }, select: { id: true, filename: true } })
  publicFile = files.find((f) => f.filename === 'review.pdf')!.id
  internalFile = files.find((f) => f.filename === 'panel.txt')!.id
})

afterAll(async () => {
  await stack?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

let calls: ReturnType<typeof routeCalls>
const requestAs: ReturnType<typeof routeCalls>['requestAs'] = (...args) => calls.requestAs(...args)
const load: ReturnType<typeof routeCalls>['load'] = (...args) => calls.load(...args)
const act: ReturnType<typeof routeCalls>['act'] = (...args) => calls.act(...args)

const ticketParams = () => ({ orgSlug: a.org.slug, number: String(ticket.number) })
const toLogin = (o: Outcome) => {
  expect(o.status).toBe(302)
  expect(o.location).toMatch(/^\/login\?redirectTo=/)
}

describe('public pages', () => {
  it('the start page, the directory and profiles are open to everyone; signed-in people go home', async () => {
    expect((await load(home, null, '/')).status).toBe(200)
    expect(await load(home, a.family, '/')).toMatchObject({ status: 302, location: '/my/tickets' })
    expect(await load(home, a.advocate, '/')).toMatchObject({ status: 302, location: '/staff/tickets' })
    expect((await load(directory, null, '/orgs')).status).toBe(200)
    expect((await load(profile, null, `/orgs/${a.org.slug}`, { slug: a.org.slug })).status).toBe(200)
    expect((await load(profile, null, '/orgs/no-such-org', { slug: 'no-such-org' })).status).toBe(404)
  })

  it('sign-in, sign-up and password pages send signed-in people on', async () => {
    expect((await load(login, null, '/login')).status).toBe(200)
    expect((await load(login, a.family, '/login')).status).toBe(302)
    expect((await load(signup, null, '/signup')).status).toBe(200)
    expect((await load(signup, a.family, '/signup')).status).toBe(302)
    expect((await act(login, null, '/login', { email: a.family.email, password: 'wrong password' })).status).toBe(400)
    expect((await act(login, null, '/login', { email: a.family.email, password: TEST_PASSWORD })).status).toBe(302)
  })
})

describe('accounts', () => {
  it('sign-up makes a family account once per email', async () => {
    const email = `signup-${Date.now()}@test.example`
    const created = await act(signup, null, '/signup', { name: 'New Person', email, password: 'long enough password' })
    expect(created).toMatchObject({ status: 302, location: '/orgs' })
    const again = await act(signup, null, '/signup', { name: 'New Person', email, password: 'long enough password' })
    expect(again.status).toBe(400)
    const user = await stack.db.user.findUniqueOrThrow({ where: { email }, select: { memberships: true } })
    expect(user.memberships).toEqual([])
  })

  it('a password reset link is mailed to accounts only, says the same either way, and works once', async () => {
    const person = await stack.db.user.create({ data: { email: `reset-${Date.now()}@test.example`, name: 'Reset Me', passwordHash: null } })
    const known = await act(forgotPassword, null, '/forgot-password', { email: person.email })
    const unknown = await act(forgotPassword, null, '/forgot-password', { email: `nobody-${Date.now()}@test.example` })
    expect(known).toMatchObject({ status: 200, data: { sent: true } })
    expect(unknown).toMatchObject({ status: 200, data: { sent: true } })
    const mail = await stack.db.outboxEmail.findFirstOrThrow({ where: { to: person.email } })
    const token = new URL(mail.text.match(/https?:\/\/\S+/)![0]).searchParams.get('token')!
    expect(await stack.db.outboxEmail.count({ where: { to: { startsWith: 'nobody-' } } })).toBe(0)

    expect((await load(resetPassword, null, '/reset-password?token=forged')).data).toMatchObject({ token: null })
    expect((await load(resetPassword, null, `/reset-password?${new URLSearchParams({ token })}`)).data).toMatchObject({ token })
    await stack.db.session.create({ data: { userId: person.id, expiresAt: new Date(Date.now() + 3_600_000) } })
    const form = { token, password: 'a brand new password', confirm: 'a brand new password' }
    expect(await act(resetPassword, null, '/reset-password', form)).toMatchObject({ status: 302, location: '/login' })
    expect(await stack.db.session.count({ where: { userId: person.id } })).toBe(0)
    expect((await act(resetPassword, null, '/reset-password', form)).status).toBe(400)
  })

  it('the account page is for signed-in people; "sign out everywhere" ends every session of that person only', async () => {
    toLogin(await load(account, null, '/account'))
    expect((await load(account, a.otherFamily, '/account')).status).toBe(200)
    await stack.db.session.create({ data: { userId: a.otherFamily.id, expiresAt: new Date(Date.now() + 3_600_000) } })
    const othersBefore = await stack.db.session.count({ where: { userId: a.family.id } })
    await load(account, a.family, '/account') // gives a.family a session too
    const out = await act(account, a.otherFamily, '/account', { intent: 'sign-out-everywhere' })
    expect(out).toMatchObject({ status: 302, location: '/login' })
    expect(await stack.db.session.count({ where: { userId: a.otherFamily.id } })).toBe(0)
    expect(await stack.db.session.count({ where: { userId: a.family.id } })).toBeGreaterThan(othersBefore)
  })

  it('signing out ends that session', async () => {
    const request = await requestAs(a.otherFamily, '/logout', { form: {} })
    const before = await stack.db.session.count({ where: { userId: a.otherFamily.id } })
    expect((await outcome(() => logout.action({ request, params: {}, context: context as never }))).status).toBe(302)
    expect(await stack.db.session.count({ where: { userId: a.otherFamily.id } })).toBe(before - 1)
  })
})

describe('notifications', () => {
  it('each person sees and marks read only their own', async () => {
    toLogin(await load(notifications, null, '/notifications'))
    const mine = await stack.db.notification.create({
      data: { userId: b.family.id, kind: 'test', text: 'For B family only', dedupeKey: `test-${Date.now()}-b` },
    })
    const theirs = await stack.db.notification.create({
      data: { userId: b.otherFamily.id, kind: 'test', text: 'For the other family', dedupeKey: `test-${Date.now()}-o` },
    })
    const seen = await load(notifications, b.family, '/notifications')
    expect(JSON.stringify(seen.data)).toContain('For B family only')
    expect(JSON.stringify(seen.data)).not.toContain('For the other family')
    expect((await act(notifications, b.family, '/notifications', {})).status).toBe(302)
    expect((await stack.db.notification.findUniqueOrThrow({ where: { id: mine.id } })).readAt).not.toBeNull()
    expect((await stack.db.notification.findUniqueOrThrow({ where: { id: theirs.id } })).readAt).toBeNull()
  })
})

describe('notifications, when there are none', () => {
  it('speak to families of their requests, and to the team of the tickets they look after', async () => {
    const e = await createTestOrganisation(stack.db)
    const emptyText = async (person: Person) =>
      ((await load(notifications, person, '/notifications')).data as { emptyText: string }).emptyText
    expect(await emptyText(e.family)).toBe('No notifications yet. You will hear here when something happens on your requests.')
    const staff = await emptyText(e.advocate)
    expect(staff).toContain('on a ticket you look after or watch')
    expect(staff).not.toMatch(/your requests|As an admin/)
    expect(await emptyText(e.admin)).toContain('As an admin, you also hear when a family sends a new request')
  })
})

describe('requesting support', () => {
  const url = () => `/orgs/${a.org.slug}/request`
  const params = () => ({ slug: a.org.slug })

  it('is open to signed-out visitors and families, and refused to the organisation’s own team', async () => {
    expect((await load(requestSupport, null, url(), params())).status).toBe(200)
    expect((await load(requestSupport, a.family, url(), params())).status).toBe(200)
    expect((await load(requestSupport, a.advocate, url(), params())).status).toBe(403)
    expect((await load(requestSupport, a.admin, url(), params())).status).toBe(403)
    // Staff of another organisation are a family here.
    expect((await load(requestSupport, b.advocate, url(), params())).status).toBe(200)
    const form = { type: 'general', subject: 'From the team', message: 'Should not be sent' }
    expect((await act(requestSupport, a.advocate, url(), form, params())).status).toBe(403)
  })

  it('a signed-out visitor signs up and sends the request in one go', async () => {
    const email = `one-go-${Date.now()}@test.example`
    const sent = await act(
      requestSupport,
      null,
      url(),
      { name: 'One Go', email, password: 'long enough password', type: 'dla', subject: 'Signed up with my request', message: 'Hello' },
      params(),
    )
    expect(sent.status).toBe(302)
    expect(sent.location).toMatch(new RegExp(`^/tickets/${a.org.slug}/\\d+$`))
    const user = await stack.db.user.findUniqueOrThrow({ where: { email }, select: { id: true, requested: { select: { subject: true } } } })
    expect(user.requested).toEqual([{ subject: 'Signed up with my request' }])
    // The email is taken now: without its password the request is refused, and no ticket is made.
    const again = await act(
      requestSupport,
      null,
      url(),
      { name: 'Someone Else', email, password: 'not the password of it', type: 'dla', subject: 'Second try', message: 'Hello' },
      params(),
    )
    expect(again.status).toBe(400)
    expect(await stack.db.ticket.count({ where: { subject: 'Second try' } })).toBe(0)
    // With it, the request is sent from that account.
    const signedIn = await act(
      requestSupport,
      null,
      url(),
      { name: 'One Go', email, password: 'long enough password', type: 'dla', subject: 'Third try', message: 'Hello' },
      params(),
    )
    expect(signedIn.status).toBe(302)
    expect(await stack.db.ticket.count({ where: { subject: 'Third try', requesterId: user.id } })).toBe(1)
  })
})

describe('lists', () => {
  it('my requests shows a person only the tickets they asked for', async () => {
    toLogin(await load(myTickets, null, '/my/tickets'))
    const own = await load(myTickets, a.family, '/my/tickets?tab=all')
    expect(JSON.stringify(own.data)).toContain('Permissions: our annual review')
    const other = await load(myTickets, a.otherFamily, '/my/tickets?tab=all')
    expect(JSON.stringify(other.data)).not.toContain('Permissions: our annual review')
    // Staff see their own requests here, not their organisation's.
    expect(JSON.stringify((await load(myTickets, a.advocate, '/my/tickets?tab=all')).data)).not.toContain('Permissions')
  })

  it('the queue is for staff, of their own organisation only', async () => {
    toLogin(await load(queue, null, '/staff/tickets'))
    expect((await load(queue, a.family, '/staff/tickets')).status).toBe(403)
    const own = await load(queue, a.advocate, '/staff/tickets')
    expect(own.status).toBe(200)
    expect(JSON.stringify(own.data)).toContain('Permissions: our annual review')
    const other = await load(queue, b.advocate, '/staff/tickets')
    expect(JSON.stringify(other.data)).not.toContain('Permissions: our annual review')
    expect((await load(queue, b.advocate, `/staff/tickets?org=${a.org.slug}`)).status).toBe(404)
  })

  it('the task board is for staff: each sees their own tasks; another organisation’s task is not there to move', async () => {
    const made = await createTicketTask(stack.context, {
      actorId: a.advocate.id,
      via: 'portal',
      ticket,
      title: 'Permissions: ring the school',
      ownerId: a.advocate.id,
      dueAt: null,
    })
    if (made.status !== 'changed') throw new Error('task not made')
    toLogin(await load(taskBoard, null, '/staff/tasks'))
    expect((await load(taskBoard, a.family, '/staff/tasks')).status).toBe(403)
    const own = await load(taskBoard, a.advocate, '/staff/tasks')
    expect(own.status).toBe(200)
    expect(JSON.stringify(own.data)).toContain('Permissions: ring the school')
    expect(JSON.stringify((await load(taskBoard, a.admin, '/staff/tasks')).data)).not.toContain('Permissions: ring the school')
    expect(JSON.stringify((await load(taskBoard, b.advocate, '/staff/tasks')).data)).not.toContain('Permissions: ring the school')
    expect((await load(taskBoard, b.advocate, `/staff/tasks?org=${a.org.slug}`)).status).toBe(404)
    expect((await act(taskBoard, a.family, '/staff/tasks', { taskId: made.task.id, status: 'done' })).status).toBe(403)
    expect((await act(taskBoard, b.advocate, '/staff/tasks', { taskId: made.task.id, status: 'done' })).status).toBe(404)
    expect((await act(taskBoard, b.admin, '/staff/tasks', { taskId: made.task.id, status: 'done' })).status).toBe(404)
  })

  it('Message a family is for advocates and admins, of their own organisation only', async () => {
    const page = '/staff/conversations/new'
    toLogin(await load(newConversation, null, page))
    expect((await load(newConversation, a.family, page)).status).toBe(403)
    expect((await load(newConversation, a.advocate, page)).status).toBe(200)
    expect((await load(newConversation, a.admin, page)).status).toBe(200)
    expect(JSON.stringify((await load(newConversation, b.advocate, page)).data)).not.toContain(a.family.email)
    expect((await load(newConversation, b.advocate, `${page}?org=${a.org.slug}`)).status).toBe(404)
    const form = { familyId: a.family.id, kind: 'general', subject: 'Hello', message: 'Hello' }
    expect((await act(newConversation, a.family, page, form)).status).toBe(403)
    expect((await act(newConversation, b.advocate, `${page}?org=${a.org.slug}`, form)).status).toBe(404)
    // Another organisation's advocate cannot reach a's family from their own organisation either.
    expect((await act(newConversation, b.advocate, page, form)).status).toBe(400)
  })

  it('triage is for admins; an admin triages only their own organisation’s tickets', async () => {
    expect((await load(triage, a.family, '/staff/triage')).status).toBe(403)
    expect((await load(triage, a.advocate, '/staff/triage')).status).toBe(403)
    const page = await load(triage, a.admin, '/staff/triage')
    expect(page.status).toBe(200)
    expect(JSON.stringify(page.data)).toContain('Sam Advocate')
    expect((await load(triage, b.admin, `/staff/triage?org=${a.org.slug}`)).status).toBe(404)
    const form = { intent: 'triage', number: String(ticket.number + 1000), assigneeId: a.advocate.id, priority: 'high' }
    expect((await act(triage, a.advocate, '/staff/triage', form)).status).toBe(403)
    expect((await act(triage, b.admin, '/staff/triage', form)).status).toBe(404)
  })
})

describe('bulk changes', () => {
  it('are for staff, who assign only to themselves; an admin to anyone; the job page is for its organisation’s staff', async () => {
    const form = (change: string) => ({ ticket: String(ticket.number), change })
    toLogin(await act(bulkChange, null, '/staff/bulk', form('priority:high')))
    expect((await act(bulkChange, a.family, '/staff/bulk', form('priority:high'))).status).toBe(403)
    expect((await act(bulkChange, a.advocate, '/staff/bulk', form(`assign:${a.admin.id}`))).status).toBe(403)
    // A ticket of its own: the job changes it, and the tests after this one read the shared ticket as it was.
    const own = await createTicket(context, {
      orgId: a.org.id,
      requesterId: a.family.id,
      subject: 'Bulk permissions',
      type: 'ehcp',
      body: 'Bulk.',
    })
    const started = await act(bulkChange, a.admin, '/staff/bulk', { ticket: String(own.number), change: `assign:${a.advocate.id}` })
    expect(started.location).toMatch(/^\/staff\/bulk\/[0-9a-f-]{36}$/)
    // Another organisation's staff find no such ticket in their queue: sent back to it, nothing started.
    expect((await act(bulkChange, b.advocate, '/staff/bulk', form('priority:high'))).location).toBe('/staff/tickets')
    const jobId = started.location!.split('/').pop()!
    toLogin(await load(bulkJob, null, started.location!, { jobId }))
    expect((await load(bulkJob, a.advocate, started.location!, { jobId })).status).toBe(200)
    expect((await load(bulkJob, a.admin, started.location!, { jobId })).status).toBe(200)
    expect((await load(bulkJob, a.family, started.location!, { jobId })).status).toBe(404)
    expect((await load(bulkJob, b.admin, started.location!, { jobId })).status).toBe(404)
    expect((await load(bulkJob, a.admin, `/staff/bulk/${randomUUID()}`, { jobId: randomUUID() })).status).toBe(404)
  })
})

describe('the ticket page', () => {
  it('the family sees its ticket without internal notes; other families and other organisations get 404', async () => {
    toLogin(await load(ticketPage, null, path_, ticketParams()))
    const family = await load(ticketPage, a.family, path_, ticketParams())
    expect(family.status).toBe(200)
    const text = JSON.stringify(family.data)
    expect(text).toContain('The review is next month.')
    expect(text).not.toContain('funding panel')
    expect(text).not.toContain('panel.txt')
    expect(text).not.toContain('timeline')
    expect((await load(ticketPage, a.otherFamily, path_, ticketParams())).status).toBe(404)
    expect((await load(ticketPage, b.admin, path_, ticketParams())).status).toBe(404)
    expect((await load(ticketPage, b.family, path_, ticketParams())).status).toBe(404)
  })

  it('staff see notes and the timeline; only admins get "Inspect workflow"', async () => {
    const staff = await load(ticketPage, a.advocate, path_, ticketParams())
    expect(JSON.stringify(staff.data)).toContain('funding panel')
    expect(staff.data).toMatchObject({ role: 'staff', inspectUrl: null })
    const admin = await load(ticketPage, a.admin, path_, ticketParams())
    expect((admin.data as { inspectUrl: string | null }).inspectUrl).toContain(`ticket-${ticket.id}`)
  })

  it('refuses what a person may not do: 404 outside, 403 inside', async () => {
    const reply = { intent: 'reply', visibility: 'public', body: 'Hello' }
    expect((await act(ticketPage, a.otherFamily, path_, reply, ticketParams())).status).toBe(404)
    expect((await act(ticketPage, b.advocate, path_, reply, ticketParams())).status).toBe(404)
    expect((await act(ticketPage, null, path_, reply, ticketParams())).status).toBe(302)
    const familyMay = (form: Record<string, string>) => act(ticketPage, a.family, path_, form, ticketParams())
    expect((await familyMay({ intent: 'reply', visibility: 'internal', body: 'A note' })).status).toBe(403)
    expect((await familyMay({ intent: 'change-status', status: 'closed' })).status).toBe(403)
    expect((await familyMay({ intent: 'change-priority', priority: 'urgent' })).status).toBe(403)
    expect((await familyMay({ intent: 'change-type', type: 'dla' })).status).toBe(403)
    expect((await familyMay({ intent: 'link-case', caseRef: 'CASE-1' })).status).toBe(403)
    expect((await familyMay({ intent: 'la-response' })).status).toBe(403)
    expect((await familyMay({ intent: 'link-ticket', number: '1' })).status).toBe(403)
    expect((await familyMay({ intent: 'unlink-ticket', number: '1' })).status).toBe(403)
    expect((await familyMay({ intent: 'add-checklist-item', title: 'Mine now' })).status).toBe(403)
    expect((await familyMay({ intent: 'tick-checklist-item', itemId: randomUUID(), done: '1' })).status).toBe(403)
    expect((await familyMay({ intent: 'remove-checklist-item', itemId: randomUUID() })).status).toBe(403)
    expect((await familyMay({ intent: 'assign', assigneeId: a.family.id })).status).toBe(403)
    // Staff may take a ticket themselves, not hand it to someone else.
    expect((await act(ticketPage, a.advocate, path_, { intent: 'assign', assigneeId: a.admin.id }, ticketParams())).status).toBe(403)
    // A family may ask to reopen; the ticket (not resolved) says no, and why.
    const reopen = await familyMay({ intent: 'reopen' })
    expect(reopen.status).toBe(409)
    expect(reopen.data).toMatchObject({ formError: expect.stringMatching(/^Not done: /) })
    expect(await stack.db.message.count({ where: { ticketId: ticket.id, body: 'A note' } })).toBe(0)
  })

  it('lets staff and admins act within their rights', async () => {
    const self = await act(ticketPage, a.advocate, path_, { intent: 'assign', assigneeId: a.advocate.id }, ticketParams())
    expect(self).toMatchObject({ status: 302, location: path_ })
    const linked = await act(ticketPage, a.advocate, path_, { intent: 'link-case', caseRef: 'CASE-42' }, ticketParams())
    expect(linked.status).toBe(302)
    const priority = await act(ticketPage, a.admin, path_, { intent: 'change-priority', priority: 'high' }, ticketParams())
    expect(priority.status).toBe(302)
    await eventually(async () => {
      const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
      expect(row).toMatchObject({ assigneeId: a.advocate.id, caseRef: 'CASE-42', priority: 'high', status: 'in_progress' })
    })
    // The family was told who their advocate is (by the workflow, just after it saved the change).
    await eventually(async () => {
      const told = await stack.db.notification.findMany({ where: { userId: a.family.id, ticketId: ticket.id, kind: 'ticket_assigned' } })
      expect(told.map((n) => n.text)).toEqual([expect.stringContaining('Sam Advocate')])
    })
  })

  it('an LA deadline goes only with Pending LA, and not in the past', async () => {
    const wrong = await act(
      ticketPage,
      a.advocate,
      path_,
      { intent: 'change-status', status: 'resolved', laDeadline: '2099-01-01' },
      ticketParams(),
    )
    expect(wrong.status).toBe(400)
    const past = await act(
      ticketPage,
      a.advocate,
      path_,
      { intent: 'change-status', status: 'pending_la', laDeadline: '2001-01-01' },
      ticketParams(),
    )
    expect(past.status).toBe(400)
    const ok = await act(
      ticketPage,
      a.advocate,
      path_,
      { intent: 'change-status', status: 'pending_la', laDeadline: '2099-01-01' },
      ticketParams(),
    )
    expect(ok.status).toBe(302)
    await eventually(async () => {
      const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
      expect(row.status).toBe('pending_la')
      expect(row.laDeadline?.toISOString().slice(0, 10)).toBe('2099-01-01')
    })
    const back = await act(ticketPage, a.advocate, path_, { intent: 'la-response' }, ticketParams())
    expect(back.status).toBe(302)
  })
})

describe('saved replies', () => {
  const REPLIES = '/staff/settings/saved-replies'
  it('admins keep them; staff put one in the reply box of their own organisation’s tickets only; audited', async () => {
    const reply = { intent: 'create-reply', title: 'Ask for the decision letter', body: 'Could you send us the LA’s decision letter?' }
    expect((await load(settingsSavedReplies, a.advocate, REPLIES)).status).toBe(403)
    expect((await act(settingsSavedReplies, a.advocate, REPLIES, reply)).status).toBe(403)
    expect((await act(settingsSavedReplies, b.admin, `${REPLIES}?org=${a.org.slug}`, reply)).status).toBe(404)
    expect((await act(settingsSavedReplies, a.admin, REPLIES, { ...reply, body: ' ' })).status).toBe(400)
    expect((await act(settingsSavedReplies, a.admin, REPLIES, reply)).status).toBe(302)
    const again = await act(settingsSavedReplies, a.admin, REPLIES, reply)
    expect(again).toMatchObject({ status: 409, data: { fieldErrors: { title: ['There is already a saved reply with this title'] } } })
    const saved = await stack.db.savedReply.findFirstOrThrow({ where: { orgId: a.org.id, title: reply.title } })

    const page = await load(ticketPage, a.advocate, `${path_}?savedReply=${saved.id}`, ticketParams())
    expect(page.data).toMatchObject({
      savedReplies: [{ id: saved.id, title: reply.title }],
      replyDraft: { id: saved.id, body: reply.body },
    })
    // Another organisation's reply, or a made-up id, fills nothing.
    const theirs = await stack.db.savedReply.create({ data: { orgId: b.org.id, title: 'Theirs', body: 'Not for you' } })
    expect((await load(ticketPage, a.advocate, `${path_}?savedReply=${theirs.id}`, ticketParams())).data).toMatchObject({
      replyDraft: null,
    })
    expect((await load(ticketPage, a.advocate, `${path_}?savedReply=nonsense`, ticketParams())).data).toMatchObject({ replyDraft: null })
    expect((await load(ticketPage, a.family, `${path_}?savedReply=${saved.id}`, ticketParams())).data).not.toHaveProperty('replyDraft')

    expect((await act(settingsSavedReplies, b.admin, REPLIES, { intent: 'delete-reply', replyId: saved.id })).status).toBe(404)
    expect((await act(settingsSavedReplies, a.admin, REPLIES, { intent: 'delete-reply', replyId: saved.id })).status).toBe(302)
    expect(await stack.db.savedReply.count({ where: { id: saved.id } })).toBe(0)
    const audit = await stack.db.auditEvent.findMany({
      where: { orgId: a.org.id, action: { startsWith: 'saved_reply.' } },
      orderBy: { createdAt: 'asc' },
    })
    expect(audit.map((e) => [e.action, e.actorId])).toEqual([
      ['saved_reply.created', a.admin.id],
      ['saved_reply.deleted', a.admin.id],
    ])
  })
})

describe('watchers', () => {
  it('the team watches a ticket and adds colleagues; nobody else can; each change is audited', async () => {
    const watched = await createTicket(context, {
      orgId: a.org.id,
      requesterId: a.family.id,
      subject: 'Watchers: tribunal prep',
      type: 'tribunal',
      body: 'Help',
    })
    const here = `/tickets/${a.org.slug}/${watched.number}`
    const params = { orgSlug: a.org.slug, number: String(watched.number) }
    const watch = (userId: string, watching = 'true') => ({ intent: 'watch', userId, watching })

    expect((await act(ticketPage, a.family, here, watch(a.family.id), params)).status).toBe(403)
    expect((await act(ticketPage, b.advocate, here, watch(b.advocate.id), params)).status).toBe(404)
    const notTeam = await act(ticketPage, a.advocate, here, watch(a.family.id), params)
    expect(notTeam).toMatchObject({ status: 400, data: { fieldErrors: { userId: ['Only members of the team can watch a ticket'] } } })

    expect(await act(ticketPage, a.advocate, here, watch(a.advocate.id), params)).toMatchObject({ status: 302, location: here })
    expect((await act(ticketPage, a.advocate, here, watch(a.admin.id), params)).status).toBe(302)
    // Watching twice changes nothing and records nothing.
    expect((await act(ticketPage, a.admin, here, watch(a.admin.id), params)).status).toBe(302)
    const page = await load(ticketPage, a.advocate, here, params)
    expect(page.data).toMatchObject({ watchers: [{ id: a.admin.id }, { id: a.advocate.id }], permissions: { watch: true } })
    expect((await load(ticketPage, a.family, here, params)).data).not.toHaveProperty('watchers')

    // A family message reaches the watchers (nobody is assigned yet).
    const message = await postMessage(context, {
      ticket: watched,
      author: a.family,
      role: 'family',
      body: 'New letter',
      visibility: 'public',
    })
    expect(message.status).toBe('applied')
    await eventually(async () => {
      const told = await stack.db.notification.findMany({
        where: { ticketId: watched.id, kind: 'family_replied' },
        select: { userId: true },
      })
      expect(told.map((n) => n.userId).sort()).toEqual([a.admin.id, a.advocate.id].sort())
    })

    expect((await act(ticketPage, a.advocate, here, watch(a.admin.id, 'false'), params)).status).toBe(302)
    expect(await stack.db.ticketWatcher.findMany({ where: { ticketId: watched.id }, select: { userId: true } })).toEqual([
      { userId: a.advocate.id },
    ])
    const audit = await stack.db.auditEvent.findMany({
      where: { orgId: a.org.id, action: { startsWith: 'watcher.' } },
      orderBy: { createdAt: 'asc' },
    })
    expect(audit.map((e) => [e.action, e.actorId, (e.data as { userId: string }).userId])).toEqual([
      ['watcher.added', a.advocate.id, a.advocate.id],
      ['watcher.added', a.advocate.id, a.admin.id],
      ['watcher.removed', a.advocate.id, a.admin.id],
    ])
  })
})

describe('attachments', () => {
  const fileUrl = (id: string) => `${path_}/attachments/${id}`
  const fileParams = (id: string) => ({ ...ticketParams(), attachmentId: id })

  it('the family downloads files on public messages only; nobody outside gets any', async () => {
    const own = await load(attachmentFile, a.family, fileUrl(publicFile), fileParams(publicFile))
    expect(own.status).toBe(200)
    expect((await load(attachmentFile, a.family, fileUrl(internalFile), fileParams(internalFile))).status).toBe(404)
    expect((await load(attachmentFile, a.otherFamily, fileUrl(publicFile), fileParams(publicFile))).status).toBe(404)
    expect((await load(attachmentFile, b.admin, fileUrl(publicFile), fileParams(publicFile))).status).toBe(404)
    expect((await load(attachmentFile, a.advocate, fileUrl(internalFile), fileParams(internalFile))).status).toBe(200)
    toLogin(await load(attachmentFile, null, fileUrl(publicFile), fileParams(publicFile)))
  })

  it('serves the bytes as a download, never as a page', async () => {
    const request = await requestAs(a.family, fileUrl(publicFile))
    const response = (await attachmentFile.loader({ request, params: fileParams(publicFile), context: context as never })) as Response
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="review.pdf"/)
    expect(response.headers.get('Content-Type')).toBe('application/pdf')
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(await response.text()).toBe('%PDF-1.4 review')
  })
})

describe('settings', () => {
  const SLA = '/staff/settings/sla-policy'
  const KEYS = '/staff/settings/api-keys'
  const ORGANISATION = '/staff/settings/organisation'
  const TEAM = '/staff/settings/team'
  const TEMPLATES = '/staff/settings/templates'
  let c: Awaited<ReturnType<typeof createTestOrganisation>>
  beforeAll(async () => {
    c = await createTestOrganisation(stack.db)
  })
  // The form as the page fills it in from the stored policy, with the revision it came from.
  const policyForm = async (changes: Record<string, string> = {}) => {
    const { policy, revision } = await organisationSlaPolicy(stack.db, c.org.id)
    return { intent: 'save-policy', revision, ...policyFormValues(policy), ...changes }
  }

  it('are for the organisation’s admins only, on every page and action', async () => {
    for (const [route, url] of [
      [settings, '/staff/settings'],
      [settingsIndex, '/staff/settings'],
      [settingsOrganisation, ORGANISATION],
      [settingsTeam, TEAM],
      [settingsSlaPolicy, SLA],
      [settingsApiKeys, KEYS],
      [settingsTemplates, TEMPLATES],
    ] as const) {
      toLogin(await load(route, null, url))
      expect((await load(route, c.family, url)).status).toBe(403)
      expect((await load(route, c.advocate, url)).status).toBe(403)
      expect((await load(route, a.admin, `${url}?org=${c.org.slug}`)).status).toBe(404)
      expect((await load(route, c.admin, url)).status).toBe(settingsIndex === route ? 302 : 200)
    }
    const cMember = await stack.db.membership.findFirstOrThrow({ where: { orgId: c.org.id, userId: c.advocate.id } })
    for (const [route, url, form] of [
      [settingsSlaPolicy, SLA, await policyForm({ 'normal.first': '1' })],
      [settingsSlaPolicy, SLA, { intent: 'apply-policy' }],
      [settingsApiKeys, KEYS, { intent: 'create-key', name: 'Sneaky' }],
      [settingsOrganisation, ORGANISATION, { intent: 'save-profile', revision: 'x', name: 'Taken over', acceptsRequests: 'on' }],
      [settingsTeam, TEAM, { intent: 'invite', name: 'Sneaky', email: `sneaky-${Date.now()}@test.example`, role: 'admin' }],
      [settingsTeam, TEAM, { intent: 'change-role', membershipId: cMember.id, role: 'admin' }],
      [settingsTeam, TEAM, { intent: 'remove', membershipId: cMember.id }],
      [settingsTemplates, TEMPLATES, { intent: 'create-template', type: 'ehcp', name: 'Sneaky', steps: 'Take over' }],
    ] as const) {
      toLogin(await act(route, null, url, form))
      expect((await act(route, c.family, url, form)).status).toBe(403)
      expect((await act(route, c.advocate, url, form)).status).toBe(403)
      expect((await act(route, a.admin, `${url}?org=${c.org.slug}`, form)).status).toBe(404)
    }
    expect((await organisationSlaPolicy(stack.db, c.org.id)).isDefault).toBe(true)
    expect(await stack.db.apiKey.count({ where: { orgId: c.org.id } })).toBe(0)
    expect(await stack.db.ticketTemplate.count({ where: { orgId: c.org.id } })).toBe(0)
    expect(await stack.db.auditEvent.count({ where: { orgId: c.org.id } })).toBe(0)
    expect(await stack.db.organisation.findUniqueOrThrow({ where: { id: c.org.id } })).toMatchObject({ name: c.org.name })
    expect(await stack.db.membership.findUniqueOrThrow({ where: { id: cMember.id } })).toMatchObject({ role: 'staff' })
  })

  it('an admin saves the SLA policy, audited; a bad form names its fields and stores nothing', async () => {
    const bad = await act(settingsSlaPolicy, c.admin, SLA, await policyForm({ 'high.first': '-2', end: '08:00', holidays: 'Christmas' }))
    expect(bad.status).toBe(400)
    expect(bad.data).toMatchObject({
      intent: 'save-policy',
      fieldErrors: {
        'high.first': ['Enter more than 0 hours'],
        end: ['Closing time must be after opening time'],
        holidays: [expect.stringContaining('Christmas')],
      },
    })
    expect((await organisationSlaPolicy(stack.db, c.org.id)).isDefault).toBe(true)

    const saved = await act(
      settingsSlaPolicy,
      c.admin,
      SLA,
      await policyForm({ 'normal.first': '1.5', 'day-6': 'on', holidays: '2026-12-25' }),
    )
    expect(saved).toMatchObject({ status: 302, location: SLA })
    const { policy, isDefault } = await organisationSlaPolicy(stack.db, c.org.id)
    expect(isDefault).toBe(false)
    expect(SlaPolicySchema.parse(policy)).toMatchObject({
      targets: { normal: { firstResponseMinutes: 90 } },
      businessHours: { days: [1, 2, 3, 4, 5, 6] },
      holidays: ['2026-12-25'],
    })
    const audit = await stack.db.auditEvent.findMany({ where: { orgId: c.org.id } })
    expect(audit).toEqual([expect.objectContaining({ action: 'sla_policy.saved', actorId: c.admin.id, via: 'portal', data: { policy } })])
    const page = await load(settingsSlaPolicy, c.admin, SLA)
    expect(page.data).toMatchObject({ changes: [{ who: 'Ada Admin', what: 'saved the SLA policy', via: 'portal' }] })
  })

  it('a form filled in before someone else saved is refused, keeping what was typed; nothing is overwritten', async () => {
    const stale = await policyForm({ 'low.first': '20' })
    expect((await act(settingsSlaPolicy, c.admin, SLA, await policyForm({ 'low.first': '30' }))).status).toBe(302)
    const refused = await act(settingsSlaPolicy, c.admin, SLA, stale)
    expect(refused.status).toBe(409)
    expect(refused.data).toMatchObject({
      formError: expect.stringContaining('Someone else saved the SLA policy'),
      values: { 'low.first': '20' },
    })
    expect((await organisationSlaPolicy(stack.db, c.org.id)).policy.targets.low.firstResponseMinutes).toBe(30 * 60)
    // Reloaded, the same change goes through.
    expect((await act(settingsSlaPolicy, c.admin, SLA, await policyForm({ 'low.first': '20' }))).status).toBe(302)
    expect((await organisationSlaPolicy(stack.db, c.org.id)).policy.targets.low.firstResponseMinutes).toBe(20 * 60)
  })

  it('type overrides are added and removed without touching the rest of the policy', async () => {
    const override = {
      intent: 'save-override',
      type: 'tribunal',
      priority: 'high',
      'override.first': '2',
      'override.next': '2',
      'override.resolution': '24',
      'override.calendar': '24x7',
    }
    expect((await act(settingsSlaPolicy, c.admin, SLA, { ...override, 'override.first': '' })).status).toBe(400)
    expect((await act(settingsSlaPolicy, c.admin, SLA, override)).status).toBe(302)
    const withOverride = (await organisationSlaPolicy(stack.db, c.org.id)).policy
    expect(withOverride.typeOverrides).toEqual({
      tribunal: { high: { firstResponseMinutes: 120, nextResponseMinutes: 120, resolutionMinutes: 1440, calendar: '24x7' } },
    })
    expect(withOverride.targets.normal.firstResponseMinutes).toBe(90)
    // Saving the main form keeps the override.
    expect((await act(settingsSlaPolicy, c.admin, SLA, await policyForm({ atRiskPercent: '40' }))).status).toBe(302)
    expect((await organisationSlaPolicy(stack.db, c.org.id)).policy).toMatchObject({
      atRiskShare: 0.4,
      typeOverrides: withOverride.typeOverrides,
    })
    expect((await act(settingsSlaPolicy, c.admin, SLA, { intent: 'remove-override', type: 'tribunal', priority: 'high' })).status).toBe(302)
    expect((await organisationSlaPolicy(stack.db, c.org.id)).policy.typeOverrides).toEqual({})
  })

  it('applying the policy reaches every open ticket’s workflow', async () => {
    const open = await createTicket(context, {
      orgId: c.org.id,
      requesterId: c.family.id,
      subject: 'Settings: apply',
      type: 'general',
      body: 'Hello',
    })
    await eventually(async () => expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: open.id } })).slaTargets).not.toBeNull())
    const before = await stack.db.ticket.findUniqueOrThrow({ where: { id: open.id }, select: { slaDueAt: true } })
    // A one-hour first response around the clock moves the due time.
    const saved = await act(
      settingsSlaPolicy,
      c.admin,
      SLA,
      await policyForm({ 'normal.first': '1', 'normal.calendar': '24x7', applyToOpenTickets: 'on' }),
    )
    expect(saved.status).toBe(302)
    await eventually(async () => {
      const after = await stack.db.ticket.findUniqueOrThrow({ where: { id: open.id }, select: { slaDueAt: true, createdAt: true } })
      expect(after.slaDueAt?.getTime()).not.toBe(before.slaDueAt?.getTime())
      // The workflow's clock starts a moment after the row is written.
      expect(Math.abs(after.slaDueAt!.getTime() - after.createdAt.getTime() - 3_600_000)).toBeLessThan(10_000)
    })
    const applied = await stack.db.auditEvent.findFirstOrThrow({ where: { orgId: c.org.id, action: 'sla_policy.applied' } })
    expect(applied).toMatchObject({ actorId: c.admin.id, via: 'portal', data: { tickets: 1 } })
  })

  it('counts open tickets as the queue does, and says apart the resolved ones “apply” also reaches', async () => {
    const d = await createTestOrganisation(stack.db)
    const ticketFor = (subject: string) =>
      createTicket(context, { orgId: d.org.id, requesterId: d.family.id, subject, type: 'general', body: 'Hi' })
    await ticketFor('Still open')
    const done = await ticketFor('Sorted')
    expect((await changeStatus(context, { ticket: done, actor: d.admin, status: 'resolved' })).status).toBe('applied')
    await eventually(async () => expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: done.id } })).status).toBe('resolved'))
    const page = await load(settingsSlaPolicy, d.admin, SLA)
    expect(page.data).toMatchObject({ tickets: { open: 1, resolved: 1 } })
    const queued = (await load(queue, d.admin, '/staff/tickets?view=all')).data as { tabs: { key: string; count: number }[] }
    expect(queued.tabs.find((tab) => tab.key === 'open')?.count).toBe(1)
    const applied = await act(settingsSlaPolicy, d.admin, SLA, { intent: 'apply-policy' })
    expect(applied.status).toBe(302)
    expect(await stack.db.auditEvent.findFirstOrThrow({ where: { orgId: d.org.id, action: 'sla_policy.applied' } })).toMatchObject({
      data: { tickets: 2 },
    })
  })

  it('an admin makes an API key, shown once and working, and revokes it; both audited', async () => {
    expect((await act(settingsApiKeys, c.admin, KEYS, { intent: 'create-key', name: '  ' })).status).toBe(400)
    const made = await act(settingsApiKeys, c.admin, KEYS, { intent: 'create-key', name: 'CRM sync' })
    expect(made.status).toBe(200)
    const { key } = (made.data as { created: { key: string } }).created
    const check = await authenticateApiKey(stack.db, key)
    expect(check).toMatchObject({ status: 'ok', principal: { orgId: c.org.id, name: 'CRM sync', createdById: c.admin.id } })
    const listed = await load(settingsApiKeys, c.admin, KEYS)
    expect(JSON.stringify(listed.data)).not.toContain(key)
    const keyId = check.status === 'ok' ? check.principal.keyId : ''
    // Another organisation's admin cannot revoke it, even knowing its id.
    const d = await createTestOrganisation(stack.db)
    expect((await act(settingsApiKeys, d.admin, KEYS, { intent: 'revoke-key', keyId })).status).toBe(404)
    expect((await act(settingsApiKeys, c.admin, KEYS, { intent: 'revoke-key', keyId })).status).toBe(302)
    expect(await authenticateApiKey(stack.db, key)).toEqual({ status: 'revoked' })
    const audit = await stack.db.auditEvent.findMany({
      where: { orgId: c.org.id, action: { startsWith: 'api_key.' } },
      orderBy: { createdAt: 'asc' },
    })
    expect(audit.map((e) => [e.action, e.actorId, e.via, (e.data as { name: string }).name])).toEqual([
      ['api_key.created', c.admin.id, 'portal', 'CRM sync'],
      ['api_key.revoked', c.admin.id, 'portal', 'CRM sync'],
    ])
  })
})

describe('organisation profile', () => {
  const ORGANISATION = '/staff/settings/organisation'
  let o: Awaited<ReturnType<typeof createTestOrganisation>>
  beforeAll(async () => {
    o = await createTestOrganisation(stack.db)
  })
  /** The form as the page fills it in, with changes; a box set to undefined is sent as a browser sends an unticked one: not at all. */
  const profileForm = async (changes: Record<string, string | undefined> = {}) => {
    const page = await load(settingsOrganisation, o.admin, ORGANISATION)
    const values = { ...(page.data as { values: Record<string, string> }).values, intent: 'save-profile', ...changes }
    return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined))
  }
  const listed = async () => {
    const found = await load(directory, null, `/orgs?${new URLSearchParams({ q: o.org.name })}`)
    return (found.data as { organisations: Record<string, unknown>[] }).organisations
  }
  const profileEvents = () => stack.db.auditEvent.count({ where: { orgId: o.org.id, action: 'organisation.profile_saved' } })

  it('an admin edits the profile and contact details; the public pages show them at once; audited', async () => {
    const bad = await act(
      settingsOrganisation,
      o.admin,
      ORGANISATION,
      await profileForm({ website: 'javascript:alert(1)', contactPhone: 'ring us' }),
    )
    expect(bad).toMatchObject({
      status: 400,
      data: {
        fieldErrors: { website: [expect.any(String)], contactPhone: [expect.any(String)] },
        values: { website: 'javascript:alert(1)' },
      },
    })
    expect(await profileEvents()).toBe(0)

    const form = await profileForm({
      about: 'We help families in Greater Manchester.',
      responseTime: 'within two working days',
      contactEmail: 'Help@Org.Example',
      contactPhone: '0161 496 0123',
      website: 'org.example/help',
      postalAddress: 'Unit 4\nMill Yard',
    })
    expect(await act(settingsOrganisation, o.admin, ORGANISATION, form)).toMatchObject({ status: 302, location: ORGANISATION })
    const contact = {
      contactEmail: 'help@org.example',
      contactPhone: '0161 496 0123',
      website: 'https://org.example/help',
      postalAddress: 'Unit 4\nMill Yard',
    }
    const shown = await load(profile, null, `/orgs/${o.org.slug}`, { slug: o.org.slug })
    expect(shown.data).toMatchObject({
      org: { about: 'We help families in Greater Manchester.', responseTime: 'within two working days', contact },
    })
    expect(await listed()).toEqual([expect.objectContaining({ slug: o.org.slug, responseTime: 'within two working days', ...contact })])

    const page = await load(settingsOrganisation, o.admin, ORGANISATION)
    expect(page.data).toMatchObject({
      changes: [
        {
          who: 'Ada Admin',
          what: 'changed the organisation’s about text, response time, contact email, phone number, website and postal address',
          via: 'portal',
        },
      ],
    })
    // Saving what is stored changes and records nothing.
    expect((await act(settingsOrganisation, o.admin, ORGANISATION, await profileForm())).status).toBe(302)
    expect(await profileEvents()).toBe(1)
  })

  it('a form filled in before someone else saved is refused, keeping what was typed', async () => {
    const stale = await profileForm({ responseTime: 'within a week' })
    expect((await act(settingsOrganisation, o.admin, ORGANISATION, await profileForm({ contactPhone: '0161 496 0999' }))).status).toBe(302)
    const refused = await act(settingsOrganisation, o.admin, ORGANISATION, stale)
    expect(refused).toMatchObject({
      status: 409,
      data: { formError: expect.stringContaining('Someone else saved the profile'), values: { responseTime: 'within a week' } },
    })
    expect(await stack.db.organisation.findUniqueOrThrow({ where: { id: o.org.id } })).toMatchObject({
      responseTime: 'within two working days',
      contactPhone: '0161 496 0999',
    })
  })

  it('an organisation not taking requests leaves the directory and refuses new ones; a blank response time says nothing', async () => {
    const off = await profileForm({ acceptsRequests: undefined, assignOnFirstReply: undefined, responseTime: '' })
    expect((await act(settingsOrganisation, o.admin, ORGANISATION, off)).status).toBe(302)
    expect(await stack.db.organisation.findUniqueOrThrow({ where: { id: o.org.id } })).toMatchObject({
      acceptsRequests: false,
      assignOnFirstReply: false,
      responseTime: null,
    })
    expect(await listed()).toEqual([])
    expect((await load(profile, null, `/orgs/${o.org.slug}`, { slug: o.org.slug })).data).toMatchObject({
      org: { acceptsRequests: false, responseTime: null },
    })
    expect(await load(requestSupport, null, `/orgs/${o.org.slug}/request`, { slug: o.org.slug })).toMatchObject({
      status: 302,
      location: `/orgs/${o.org.slug}`,
    })
    const page = await load(settingsOrganisation, o.admin, ORGANISATION)
    expect((page.data as { changes: { what: string }[] }).changes[0]!.what).toBe(
      'changed the organisation’s response time; stopped taking new requests; turned off assigning a ticket to the first staff member who replies',
    )
    expect((await act(settingsOrganisation, o.admin, ORGANISATION, await profileForm({ acceptsRequests: 'on' }))).status).toBe(302)
    expect(await listed()).toHaveLength(1)
  })

  it('an organisation without an admin is not in the directory or on the start page', async () => {
    const suffix = Date.now().toString(36)
    const lone = await createOrganisation(stack.db, { slug: `lone-${suffix}`, name: `Aardvark Lonely Advocacy ${suffix}` })
    const inDirectory = async () =>
      JSON.stringify((await load(directory, null, `/orgs?${new URLSearchParams({ q: lone.name })}`)).data).includes(lone.slug)
    const onStartPage = async () => JSON.stringify((await load(home, null, '/')).data).includes(lone.slug)
    await createUser(stack.db, {
      orgSlug: lone.slug,
      role: 'staff',
      email: `lone-staff-${suffix}@test.example`,
      name: 'Only Staff',
      password: TEST_PASSWORD,
    })
    expect([await inDirectory(), await onStartPage()]).toEqual([false, false])
    await createUser(stack.db, {
      orgSlug: lone.slug,
      role: 'admin',
      email: `lone-admin-${suffix}@test.example`,
      name: 'An Admin',
      password: TEST_PASSWORD,
    })
    expect([await inDirectory(), await onStartPage()]).toEqual([true, true])
  })
})

describe('team settings', () => {
  const TEAM = '/staff/settings/team'
  let t: Awaited<ReturnType<typeof createTestOrganisation>>
  beforeAll(async () => {
    t = await createTestOrganisation(stack.db)
  })
  const membershipOf = (userId: string, orgId: string) => stack.db.membership.findFirstOrThrow({ where: { orgId, userId } })
  const changesOf = async (admin: Person) => ((await load(settingsTeam, admin, TEAM)).data as { changes: { what: string }[] }).changes

  it('an admin invites a new colleague by email: a link to choose a password, valid for a week, is in the outbox; audited', async () => {
    const email = `invitee-${Date.now()}@test.example`
    expect((await act(settingsTeam, t.admin, TEAM, { intent: 'invite', name: 'Ivy', email: 'not an email', role: 'staff' })).status).toBe(
      400,
    )
    const sent = await act(settingsTeam, t.admin, TEAM, {
      intent: 'invite',
      name: 'Ivy Invitee',
      email: email.toUpperCase(),
      role: 'staff',
    })
    expect(sent).toMatchObject({ status: 302, location: TEAM })
    const user = await stack.db.user.findUniqueOrThrow({
      where: { email },
      select: { id: true, passwordHash: true, memberships: { select: { orgId: true, role: true } } },
    })
    expect(user).toMatchObject({ passwordHash: null, memberships: [{ orgId: t.org.id, role: 'staff' }] })
    const listedAs = (await load(settingsTeam, t.admin, TEAM)).data as { members: { email: string; invited: boolean }[] }
    expect(listedAs.members).toContainEqual(expect.objectContaining({ email, invited: true }))

    const mail = await stack.db.outboxEmail.findFirstOrThrow({ where: { to: email } })
    expect(mail.subject).toBe(`You are invited to ${t.org.name}’s team in Caseway`)
    const token = new URL(mail.text.match(/https?:\/\/\S+/)![0]).searchParams.get('token')!
    const link = await stack.db.passwordResetToken.findFirstOrThrow({ where: { userId: user.id } })
    expect(link.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3_600_000)
    const form = { token, password: 'ivy chooses a password', confirm: 'ivy chooses a password' }
    expect(await act(resetPassword, null, '/reset-password', form)).toMatchObject({ status: 302, location: '/login' })
    expect((await act(login, null, '/login', { email, password: form.password })).status).toBe(302)
    expect((await load(queue, user, '/staff/tickets')).status).toBe(200)
    expect((await changesOf(t.admin))[0]).toMatchObject({
      who: 'Ada Admin',
      what: `invited Ivy Invitee (${email}) as staff`,
      via: 'portal',
    })
  })

  it('inviting someone already on the team, or a family the organisation supports, says so and changes nothing', async () => {
    const again = await act(settingsTeam, t.admin, TEAM, { intent: 'invite', name: 'Sam', email: t.advocate.email, role: 'admin' })
    expect(again).toMatchObject({
      status: 409,
      data: { fieldErrors: { email: [expect.stringContaining('is already on the team, as staff')] } },
    })
    const family = await act(settingsTeam, t.admin, TEAM, { intent: 'invite', name: 'Fran', email: t.family.email, role: 'staff' })
    expect(family).toMatchObject({ status: 409, data: { fieldErrors: { email: [expect.stringContaining('belongs to a family')] } } })
    expect((await membershipOf(t.advocate.id, t.org.id)).role).toBe('staff')
    expect((await membershipOf(t.family.id, t.org.id)).role).toBe('family')
    expect(await stack.db.outboxEmail.count({ where: { to: { in: [t.advocate.email, t.family.email] } } })).toBe(0)
  })

  it('someone with an account elsewhere joins with the password they have, and is told by email without a link', async () => {
    const other = await createTestOrganisation(stack.db)
    const joined = await act(settingsTeam, t.admin, TEAM, {
      intent: 'invite',
      name: 'Another Name',
      email: other.advocate.email,
      role: 'staff',
    })
    expect(joined.status).toBe(302)
    expect((await membershipOf(other.advocate.id, t.org.id)).role).toBe('staff')
    expect((await stack.db.user.findUniqueOrThrow({ where: { id: other.advocate.id } })).name).toBe('Sam Advocate')
    const mail = await stack.db.outboxEmail.findFirstOrThrow({ where: { to: other.advocate.email } })
    expect(mail.text).not.toContain('reset-password')
    expect(await stack.db.passwordResetToken.count({ where: { userId: other.advocate.id } })).toBe(0)
  })

  it('roles change at once, but never the last admin’s nor one’s own; two admins demoting each other leave one', async () => {
    const u = await createTestOrganisation(stack.db)
    const adminM = await membershipOf(u.admin.id, u.org.id)
    const samM = await membershipOf(u.advocate.id, u.org.id)
    expect(await act(settingsTeam, u.admin, TEAM, { intent: 'change-role', membershipId: adminM.id, role: 'staff' })).toMatchObject({
      status: 409,
      data: { formError: 'Not changed: You cannot change your own role: ask another admin to do it.' },
    })
    expect(
      await changeMemberRole(stack.db, { orgId: u.org.id, actorId: null, via: 'cli', membershipId: adminM.id, role: 'staff' }),
    ).toEqual({
      status: 'refused',
      message: 'Ada Admin is the organisation’s only admin: make someone else an admin first.',
    })

    expect((await load(triage, u.advocate, '/staff/triage')).status).toBe(403)
    expect((await act(settingsTeam, u.admin, TEAM, { intent: 'change-role', membershipId: samM.id, role: 'admin' })).status).toBe(302)
    expect((await load(triage, u.advocate, '/staff/triage')).status).toBe(200)

    const [first, second] = await Promise.all([
      act(settingsTeam, u.admin, TEAM, { intent: 'change-role', membershipId: samM.id, role: 'staff' }),
      act(settingsTeam, u.advocate, TEAM, { intent: 'change-role', membershipId: adminM.id, role: 'staff' }),
    ])
    expect([first.status, second.status].sort()).toEqual([302, 409])
    expect(await stack.db.membership.count({ where: { orgId: u.org.id, role: 'admin' } })).toBe(1)
    const audit = await stack.db.auditEvent.findMany({
      where: { orgId: u.org.id, action: 'team.role_changed' },
      orderBy: { createdAt: 'asc' },
    })
    expect(audit.map((e) => [(e.data as { from: string }).from, (e.data as { to: string }).to])).toEqual([
      ['staff', 'admin'],
      ['admin', 'staff'],
    ])
  })

  it('another organisation’s member, or a family’s membership, is not on the team: 404, and nothing changes', async () => {
    const other = await createTestOrganisation(stack.db)
    const theirs = await membershipOf(other.advocate.id, other.org.id)
    const family = await membershipOf(t.family.id, t.org.id)
    for (const membershipId of [theirs.id, family.id, '00000000-0000-4000-8000-000000000000'])
      for (const form of [
        { intent: 'change-role', membershipId, role: 'admin' },
        { intent: 'remove', membershipId },
        { intent: 'resend-invitation', membershipId },
      ] as Record<string, string>[])
        expect((await act(settingsTeam, t.admin, TEAM, form)).status).toBe(404)
    expect((await act(settingsTeam, t.admin, TEAM, { intent: 'remove', membershipId: 'nonsense' })).status).toBe(400)
    expect(await stack.db.membership.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ role: 'staff' })
    expect(await stack.db.membership.findUniqueOrThrow({ where: { id: family.id } })).toMatchObject({ role: 'family' })
  })

  it('removing a member hands their tickets to a colleague and ends their watching and their access at once', async () => {
    const u = await createTestOrganisation(stack.db)
    const colleague = (
      await createUser(stack.db, {
        orgSlug: u.org.slug,
        role: 'staff',
        email: `colleague-${Date.now()}@test.example`,
        name: 'Chloe Colleague',
        password: TEST_PASSWORD,
      })
    ).user
    const held = await createTicket(context, {
      orgId: u.org.id,
      requesterId: u.family.id,
      subject: 'Held by Sam',
      type: 'general',
      body: 'Hi',
    })
    expect((await assign(context, { ticket: held, actor: u.admin, assigneeId: u.advocate.id })).status).toBe('applied')
    await eventually(async () =>
      expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: held.id } })).assigneeId).toBe(u.advocate.id),
    )
    await stack.db.ticketWatcher.create({ data: { ticketId: held.id, userId: u.advocate.id } })
    const samM = await membershipOf(u.advocate.id, u.org.id)
    const adminM = await membershipOf(u.admin.id, u.org.id)
    const samsSession = {
      sessionId: (await stack.db.session.create({ data: { userId: u.advocate.id, expiresAt: new Date(Date.now() + 3_600_000) } })).id,
    }
    const heldPath = `/tickets/${u.org.slug}/${held.number}`
    const heldParams = { orgSlug: u.org.slug, number: String(held.number) }
    expect((await load(ticketPage, samsSession, heldPath, heldParams)).status).toBe(200)

    expect(await act(settingsTeam, u.admin, TEAM, { intent: 'remove', membershipId: samM.id })).toMatchObject({
      status: 400,
      data: {
        formError: 'Not removed: Sam Advocate has a ticket assigned. Choose who takes it over.',
        fieldErrors: { handTo: [expect.any(String)] },
      },
    })
    for (const handTo of [u.family.id, u.advocate.id])
      expect((await act(settingsTeam, u.admin, TEAM, { intent: 'remove', membershipId: samM.id, handTo })).status).toBe(409)
    expect(await act(settingsTeam, u.admin, TEAM, { intent: 'remove', membershipId: adminM.id })).toMatchObject({ status: 409 })
    expect(await stack.db.membership.count({ where: { orgId: u.org.id, userId: u.advocate.id } })).toBe(1)

    const removed = await act(settingsTeam, u.admin, TEAM, { intent: 'remove', membershipId: samM.id, handTo: colleague.id })
    expect(removed).toMatchObject({ status: 302, location: TEAM })
    expect(await stack.db.membership.count({ where: { orgId: u.org.id, userId: u.advocate.id } })).toBe(0)
    expect(await stack.db.ticketWatcher.count({ where: { userId: u.advocate.id } })).toBe(0)
    await eventually(async () =>
      expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: held.id } })).assigneeId).toBe(colleague.id),
    )
    // The session Sam was using now finds nothing of the organisation's.
    expect((await load(queue, samsSession, '/staff/tickets')).status).toBe(403)
    expect((await load(ticketPage, samsSession, heldPath, heldParams)).status).toBe(404)
    expect(
      (await act(ticketPage, samsSession, heldPath, { intent: 'reply', visibility: 'public', body: 'Still here?' }, heldParams)).status,
    ).toBe(404)
    expect((await assign(context, { ticket: held, actor: u.admin, assigneeId: u.advocate.id })).status).toBe('refused')
    expect((await changesOf(u.admin))[0]).toMatchObject({
      what: `removed Sam Advocate (${u.advocate.email}) from the team, handing 1 ticket to Chloe Colleague`,
    })
  })

  it('a new link goes to a member who has not chosen a password yet, and to nobody else', async () => {
    const email = `resend-${Date.now()}@test.example`
    expect((await act(settingsTeam, t.admin, TEAM, { intent: 'invite', name: 'Rae Resend', email, role: 'admin' })).status).toBe(302)
    const invited = await stack.db.membership.findFirstOrThrow({ where: { orgId: t.org.id, user: { email } } })
    expect(invited.role).toBe('admin')
    expect((await act(settingsTeam, t.admin, TEAM, { intent: 'resend-invitation', membershipId: invited.id })).status).toBe(302)
    expect(await stack.db.outboxEmail.count({ where: { to: email } })).toBe(2)
    const samM = await membershipOf(t.advocate.id, t.org.id)
    expect(await act(settingsTeam, t.admin, TEAM, { intent: 'resend-invitation', membershipId: samM.id })).toMatchObject({
      status: 409,
      data: { formError: 'Not sent: Sam Advocate has already chosen a password.' },
    })
    expect((await changesOf(t.admin))[0]).toMatchObject({ what: `sent Rae Resend (${email}) a new invitation link` })
  })
})

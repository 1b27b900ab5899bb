/**
 * The portal's core journeys as people walk them, in headless Chromium against
 * the built portal: a family signs up from an organisation's profile and asks
 * for help, an admin triages and assigns, the advocate asks for information,
 * the family replies, the advocate resolves and the family reopens. Then the
 * walls: another family's ticket, another organisation's staff, internal notes.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, newPortalPage, signedInPage, submitAndSettle } from '../support/browser.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let browser: Browser
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let elsewhere: Awaited<ReturnType<typeof createTestOrganisation>>

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  elsewhere = await createTestOrganisation(stack.db)
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

const newPage = (viewport = { width: 1280, height: 900 }, javaScriptEnabled = true) =>
  newPortalPage(browser, stack.stack.webUrl, { viewport, javaScriptEnabled })

const signIn = (email: string, viewport?: { width: number; height: number }, javaScriptEnabled = true) =>
  signedInPage(browser, stack.stack.webUrl, email, { viewport, javaScriptEnabled })

const statusOf = (page: Page) => page.getByRole('status').textContent()

describe('a family, its advocate and the admin', () => {
  const subject = 'The council refused to assess our daughter'
  const email = `new-family-${Date.now()}@test.example`
  let family: Page
  let ticketPath: string

  it('a family with no account signs up from the organisation profile and sends a request with a letter', async () => {
    // A phone: families mostly use one.
    family = await newPage({ width: 390, height: 844 })
    await family.goto(`/orgs/${people.org.slug}`)
    await family.getByRole('link', { name: 'Request support' }).click()
    await family.waitForURL(`**/orgs/${people.org.slug}/request`)
    await family.getByLabel('Your name').fill('Nadia Newcomer')
    await family.getByLabel('Email').fill(email)
    await family.getByLabel('Password').fill('a long enough password')
    await family.getByLabel('Type').selectOption({ label: 'LA refusal' })
    await family.getByLabel('Subject').fill(subject)
    await family.getByLabel("Child's name").fill('Maya')
    await family.getByLabel('Message').fill('The local authority wrote last week to say they will not assess Maya.')
    await family.getByLabel('Attachments').setInputFiles({
      name: 'refusal-letter.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% the refusal letter\n'),
    })
    await family.getByRole('button', { name: 'Send request' }).click()
    await family.waitForURL(new RegExp(`/tickets/${people.org.slug}/\\d+$`))
    ticketPath = new URL(family.url()).pathname
    // The address changes a moment before the new page renders.
    await expect.poll(() => family.getByRole('heading', { level: 1 }).textContent()).toBe(subject)
    expect(await statusOf(family)).toContain('Received')
    expect(await family.getByText('your account is ready').count()).toBe(1)
    await expect.poll(() => family.getByRole('link', { name: 'refusal-letter.pdf' }).count()).toBe(1)

    // The letter downloads for the family, byte for byte.
    const [download] = await Promise.all([
      family.waitForEvent('download'),
      family.getByRole('link', { name: 'refusal-letter.pdf' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('refusal-letter.pdf')
  })

  it('an admin triages the new ticket: sets its priority and assigns it, seeing each advocate’s caseload; the family is told', async () => {
    const admin = await signIn(people.admin.email)
    await admin.goto('/staff/triage')
    const card = admin.getByRole('region', { name: subject })
    await card.getByLabel('Priority').selectOption({ label: 'High' })
    const options = await card.getByLabel('Assign to').locator('option').allTextContents()
    expect(options.some((option) => /Sam Advocate · \d+ (of \d+ )?cases?/.test(option))).toBe(true)
    await card.getByLabel('Assign to').selectOption({ label: options.find((o) => o.startsWith('Sam Advocate'))! })
    await submitAndSettle(admin, 'Assign', card)
    expect(await admin.getByText(/assigned to Sam Advocate \(priority High\)/).count()).toBe(1)
    expect(await admin.getByRole('region', { name: subject }).count()).toBe(0)

    await family.reload()
    expect(await statusOf(family)).toContain('With your advocate')
    expect(await family.getByText('Sam Advocate', { exact: true }).count()).toBeGreaterThan(0)
    await family.getByRole('link', { name: /Notifications/ }).click()
    await expect.poll(() => family.getByText(/Sam Advocate from .* is now looking after your request/).count()).toBe(1)
  })

  it('the advocate asks the family for information: the ticket waits on the family', async () => {
    const advocate = await signIn(people.advocate.email)
    await advocate.goto('/staff/tickets?assignee=mine')
    await advocate.getByRole('link', { name: subject }).click()
    await advocate.waitForURL((url) => url.pathname === ticketPath)
    await expect.poll(() => statusOf(advocate)).toContain('In progress')
    // One step, as helpdesks do it: the question and "waiting for the family" together.
    await advocate.getByLabel('Message').fill('Could you send us the assessment request you made in September?')
    await advocate.getByLabel('After sending').selectOption({ label: 'Set to Pending family (waiting for their answer)' })
    await submitAndSettle(advocate, 'Send reply')
    await expect.poll(() => statusOf(advocate)).toContain('Pending family')
    expect(await advocate.getByText('Reply sent. Status: Pending family.').count()).toBe(1)

    await family.goto(ticketPath)
    expect(await statusOf(family)).toContain('Waiting for you')
    expect(await family.getByText('Please reply by').count()).toBe(1)
    expect(await family.getByText('Could you send us the assessment request').count()).toBe(1)
  })

  it('the family replies and the ticket is back in progress; the advocate resolves; the family reopens', async () => {
    await family.getByLabel('Message').fill('Here it is, sent on 2 September.')
    await submitAndSettle(family, 'Send reply')
    expect(await statusOf(family)).toContain('With your advocate')

    const advocate = await signIn(people.advocate.email)
    await advocate.goto(ticketPath)
    expect(await statusOf(advocate)).toContain('In progress')
    expect(await advocate.getByText('Family replied').count()).toBeGreaterThan(0)
    await advocate.getByLabel('New status').selectOption({ label: 'Resolved' })
    await submitAndSettle(advocate, 'Change status')
    await expect.poll(() => statusOf(advocate)).toContain('Resolved')

    await family.reload()
    expect(await statusOf(family)).toContain('Resolved')
    await submitAndSettle(family, 'Reopen')
    expect(await statusOf(family)).toContain('With your advocate')
    await advocate.reload()
    expect(await statusOf(advocate)).toContain('In progress')
    // Pressing Reopen is not a message: staff are told what the family did.
    expect(await advocate.getByText('Family reopened', { exact: true }).count()).toBe(1)
    expect(await advocate.getByText('Family replied', { exact: true }).count()).toBe(0)
  })
})

describe('what people must not see', () => {
  let ticketPath: string

  beforeAll(async () => {
    const family = await signIn(people.family.email)
    await family.goto(`/orgs/${people.org.slug}/request`)
    await family.getByLabel('Type').selectOption({ label: 'DLA' })
    await family.getByLabel('Subject').fill('Our DLA renewal')
    await family.getByLabel('Message').fill('The renewal form arrived today.')
    await family.getByRole('button', { name: 'Send request' }).click()
    await family.waitForURL(new RegExp(`/tickets/${people.org.slug}/\\d+$`))
    ticketPath = new URL(family.url()).pathname
  })

  it('another family cannot open the ticket by its address', async () => {
    const other = await signIn(people.otherFamily.email)
    const response = await other.goto(ticketPath)
    expect(response?.status()).toBe(404)
    expect(await other.getByRole('heading', { level: 1 }).textContent()).toBe('Not found')
    expect(await other.getByText('Our DLA renewal').count()).toBe(0)
  })

  it('staff of another organisation get 404, for the ticket and its files', async () => {
    const outsider = await signIn(elsewhere.admin.email)
    const response = await outsider.goto(ticketPath)
    expect(response?.status()).toBe(404)
    expect(await outsider.getByText('Our DLA renewal').count()).toBe(0)
  })

  it('an internal note, and a file on it, never reach the family', async () => {
    const advocate = await signIn(people.advocate.email)
    await advocate.goto(ticketPath)
    await advocate.getByLabel('Internal note').check()
    await advocate.getByLabel('Message').fill('Internal: the family may qualify for the higher rate.')
    await advocate
      .getByLabel('Attachments')
      .setInputFiles({ name: 'assessment-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('private notes') })
    await submitAndSettle(advocate, 'Send reply')
    expect(await advocate.getByText('Internal note added.').count()).toBe(1)
    const fileHref = await advocate.getByRole('link', { name: 'assessment-notes.txt' }).getAttribute('href')

    const family = await signIn(people.family.email)
    await family.goto(ticketPath)
    const html = await family.content()
    expect(html).not.toContain('higher rate')
    expect(html).not.toContain('assessment-notes')
    const file = await family.request.get(fileHref!)
    expect(file.status()).toBe(404)
    await eventually(async () => {
      const notifications = await stack.db.notification.findMany({ where: { userId: people.family.id }, select: { text: true } })
      expect(notifications.map((n) => n.text).join('\n')).not.toContain('higher rate')
    })
  })
})

describe('without JavaScript', () => {
  it('every step still works as plain HTML forms: search the queue, reply with a file, change status', async () => {
    const family = await signIn(people.family.email, { width: 390, height: 844 }, false)
    await family.goto(`/orgs/${people.org.slug}/request`)
    await family.getByLabel('Type').selectOption({ label: 'Tribunal' })
    await family.getByLabel('Subject').fill('Tribunal bundle without scripts')
    await family.getByLabel('Message').fill('Our hearing is in March.')
    await family
      .getByLabel('Attachments')
      .setInputFiles({ name: 'hearing.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]) })
    await Promise.all([
      family.waitForURL(new RegExp(`/tickets/${people.org.slug}/\\d+$`)),
      family.getByRole('button', { name: 'Send request' }).click(),
    ])
    const ticketPath = new URL(family.url()).pathname
    expect(await family.getByRole('link', { name: 'hearing.png' }).count()).toBe(1)

    const advocate = await signIn(people.advocate.email, undefined, false)
    // An advocate's queue opens on their own tickets; this one is nobody's yet.
    await advocate.goto('/staff/tickets?view=all')
    await advocate.getByLabel('Search').fill('without scripts')
    await Promise.all([advocate.waitForURL(/q=without/), advocate.getByRole('button', { name: 'Apply filters' }).click()])
    expect(new URL(advocate.url()).search).toBe('?view=all&q=without+scripts')
    await Promise.all([
      advocate.waitForURL(`**${ticketPath}`),
      advocate.getByRole('link', { name: 'Tribunal bundle without scripts' }).click(),
    ])
    await advocate.getByLabel('Message').fill('We will prepare the bundle with you.')
    await advocate
      .getByLabel('Attachments')
      .setInputFiles({ name: 'bundle-checklist.txt', mimeType: 'text/plain', buffer: Buffer.from('1. Decision letter') })
    await Promise.all([advocate.waitForNavigation(), advocate.getByRole('button', { name: 'Send reply' }).click()])
    expect(await advocate.getByText('Reply sent. Status: In progress. 1 file attached.').count()).toBe(1)
    await advocate.getByLabel('New status').selectOption({ label: 'Pending LA' })
    await advocate.getByLabel('LA deadline').fill('2099-03-01')
    await Promise.all([advocate.waitForNavigation(), advocate.getByRole('button', { name: 'Change status' }).click()])
    expect(await statusOf(advocate)).toContain('Pending LA')
    expect(await advocate.getByText('Must answer by 1 Mar 2099').count()).toBe(1)

    await family.reload()
    expect(await statusOf(family)).toContain('Waiting on the local authority')
    expect(await family.getByRole('link', { name: 'bundle-checklist.txt' }).count()).toBe(1)
  })

  it('a file of the wrong kind is refused with a reason, and the message typed is kept', async () => {
    const family = await signIn(people.family.email, undefined, false)
    await family.goto(`/orgs/${people.org.slug}/request`)
    await family.getByLabel('Type').selectOption({ label: 'General' })
    await family.getByLabel('Subject').fill('A program')
    await family.getByLabel('Message').fill('Please run this.')
    await family
      .getByLabel('Attachments')
      .setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') })
    await Promise.all([family.waitForNavigation(), family.getByRole('button', { name: 'Send request' }).click()])
    expect(await family.getByRole('alert').allTextContents()).toContainEqual(
      expect.stringContaining('setup.exe: this kind of file cannot be attached'),
    )
    expect(await family.getByLabel('Message').inputValue()).toBe('Please run this.')
    expect(await family.getByLabel('Attachments').getAttribute('aria-invalid')).toBe('true')
  })
})

describe('an admin’s settings', () => {
  it('the admin edits the SLA policy, applies it to open tickets and sees the change in the API through a key made here', async () => {
    const org = await createTestOrganisation(stack.db)
    const open = await createTicket(stack.context, {
      orgId: org.org.id,
      requesterId: org.family.id,
      subject: 'Open',
      type: 'general',
      body: 'Hi',
    })
    const dueBefore = await eventually(async () => {
      const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: open.id }, select: { slaDueAt: true } })
      expect(row.slaDueAt).not.toBeNull()
      return row.slaDueAt!
    })
    const admin = await signIn(org.admin.email)
    await Promise.all([admin.waitForURL('**/staff/settings/organisation'), admin.getByRole('link', { name: 'Settings' }).click()])
    await Promise.all([admin.waitForURL('**/staff/settings/sla-policy'), admin.getByRole('link', { name: 'SLA policy' }).click()])
    await admin.getByRole('heading', { name: 'Settings' }).waitFor()

    // A mistake is named at its field, and nothing is saved.
    await admin.getByLabel('Normal: First response, hours').fill('0')
    await submitAndSettle(admin, 'Save policy')
    await admin.getByText('One field needs a look before the policy can be saved.').waitFor()
    expect(await admin.getByLabel('Normal: First response, hours').getAttribute('aria-invalid')).toBe('true')
    expect(await admin.getByText('Enter more than 0 hours').count()).toBe(1)
    expect(await stack.db.auditEvent.count({ where: { orgId: org.org.id } })).toBe(0)

    await admin.getByLabel('Normal: First response, hours').fill('2')
    await admin.getByRole('checkbox', { name: 'Saturday' }).check()
    await admin.getByLabel('Holidays').fill('2026-12-25\n2026-12-28')
    await admin.getByRole('checkbox', { name: /Also apply it to the/ }).check()
    await submitAndSettle(admin, 'Save policy')
    await admin.getByText('SLA policy saved. 1 open ticket now uses the current policy.').waitFor()
    expect(await admin.getByLabel('Normal: First response, hours').inputValue()).toBe('2')
    await admin.getByText('Ada Admin saved the SLA policy').waitFor()

    await admin.getByLabel('Ticket type').selectOption({ label: 'Tribunal' })
    await admin.getByLabel('Priority', { exact: true }).selectOption({ label: 'High' })
    await admin.getByLabel('First response, hours', { exact: true }).fill('1')
    await admin.getByLabel('Next response, hours', { exact: true }).fill('2')
    await admin.getByLabel('Resolution, hours', { exact: true }).fill('24')
    await submitAndSettle(admin, 'Save these targets')
    await admin.getByRole('row', { name: /Tribunal, High/ }).waitFor()

    await admin.getByRole('link', { name: 'API keys' }).click()
    await admin.waitForURL('**/staff/settings/api-keys')
    await admin.getByLabel('Name').fill('Browser CRM')
    await submitAndSettle(admin, 'Make key')
    const key = await admin.getByLabel('The new key').inputValue()
    expect(key).toMatch(/^cwk_/)
    const read = await fetch(`${stack.stack.webUrl}/api/v1/settings/sla-policy`, { headers: { Authorization: `Bearer ${key}` } })
    const { policy } = (await read.json()) as { policy: Record<string, any> }
    expect(policy.targets.normal.firstResponseMinutes).toBe(120)
    expect(policy.businessHours.days).toEqual([1, 2, 3, 4, 5, 6])
    expect(policy.holidays).toEqual(['2026-12-25', '2026-12-28'])
    expect(policy.typeOverrides.tribunal.high).toEqual({
      firstResponseMinutes: 60,
      nextResponseMinutes: 120,
      resolutionMinutes: 1440,
      calendar: 'business',
    })
    // The open ticket took the new policy: its first response is due sooner.
    await eventually(async () => {
      const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: open.id }, select: { slaDueAt: true } })
      expect(row.slaDueAt!.getTime()).toBeLessThan(dueBefore.getTime())
    })

    // The key is shown once; revoking (after confirming) stops it at once.
    await admin.reload()
    expect(await admin.getByLabel('The new key').count()).toBe(0)
    admin.once('dialog', (dialog) => void dialog.accept())
    await submitAndSettle(admin, 'Revoke Browser CRM')
    await admin.getByText('Key revoked. Requests made with it are refused from now on.').waitFor()
    const refused = await fetch(`${stack.stack.webUrl}/api/v1/settings/sla-policy`, { headers: { Authorization: `Bearer ${key}` } })
    expect(refused.status).toBe(401)
  })
})

describe('watchers', () => {
  it('an advocate watches a ticket and adds a colleague from its page, and can stop again', async () => {
    const org = await createTestOrganisation(stack.db)
    const ticket = await createTicket(stack.context, {
      orgId: org.org.id,
      requesterId: org.family.id,
      subject: 'Watch me',
      type: 'general',
      body: 'Hi',
    })
    const advocate = await signIn(org.advocate.email)
    await advocate.goto(`/tickets/${org.org.slug}/${ticket.number}`)
    const card = advocate.getByRole('region', { name: 'Watchers' })
    await card.getByText('Nobody is watching this ticket.').waitFor()
    await submitAndSettle(advocate, 'Watch this ticket', card)
    await advocate.getByText('You are watching this ticket.').waitFor()
    await card.getByLabel('Add a watcher').selectOption({ label: 'Ada Admin' })
    await submitAndSettle(advocate, 'Add watcher', card)
    await advocate.getByText('They are watching this ticket.').waitFor()
    expect(await card.getByRole('list', { name: 'Watchers' }).getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Ada Admin'),
      expect.stringContaining('Sam Advocate (you)'),
    ])
    await submitAndSettle(advocate, 'Stop watching', card)
    await advocate.getByText('You are no longer watching this ticket.').waitFor()
    expect(await stack.db.ticketWatcher.findMany({ where: { ticketId: ticket.id }, select: { userId: true } })).toEqual([
      { userId: org.admin.id },
    ])
  })
})

describe('saved replies', () => {
  it('an admin saves a reply; an advocate puts it in the reply box, edits it and sends it', async () => {
    const org = await createTestOrganisation(stack.db)
    const ticket = await createTicket(stack.context, {
      orgId: org.org.id,
      requesterId: org.family.id,
      subject: 'Refused',
      type: 'la_refusal',
      body: 'Help',
    })
    const admin = await signIn(org.admin.email)
    await admin.goto('/staff/settings/saved-replies')
    await admin.getByLabel('Title').fill('Ask for the decision letter')
    await admin.getByLabel('Reply text').fill('Could you send us the decision letter?')
    await submitAndSettle(admin, 'Add saved reply')
    await admin.getByText('Saved reply “Ask for the decision letter” added.').waitFor()

    const advocate = await signIn(org.advocate.email)
    await advocate.goto(`/tickets/${org.org.slug}/${ticket.number}`)
    await advocate.getByLabel('Saved reply', { exact: true }).selectOption({ label: 'Ask for the decision letter' })
    await Promise.all([advocate.waitForURL(/savedReply=/), advocate.getByRole('button', { name: 'Use saved reply' }).click()])
    await expect.poll(() => advocate.getByLabel('Message').inputValue()).toBe('Could you send us the decision letter?')
    await advocate.getByLabel('Message').fill('Could you send us the decision letter, and the date it came?')
    await submitAndSettle(advocate, 'Send reply')
    await advocate.getByText(/^Reply sent\./).waitFor()
    const bodies = await stack.db.message.findMany({
      where: { ticketId: ticket.id },
      orderBy: { createdAt: 'asc' },
      select: { body: true },
    })
    expect(bodies.at(-1)?.body).toBe('Could you send us the decision letter, and the date it came?')
  })
})

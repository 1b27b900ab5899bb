/**
 * An admin looks after the organisation in the portal, in headless Chromium
 * with JavaScript off (every form is a plain POST): Settings → Organisation
 * edits the profile families read, Settings → Team invites a colleague (who
 * sets a password from the link in the outbox), changes a role and takes a
 * member off the team, handing their ticket over.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, newPortalPage, signedInPage, submitAndFollow } from '../support/browser.ts'
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

const newPage = (viewport = { width: 1366, height: 900 }) =>
  newPortalPage(browser, stack.stack.webUrl, { viewport, javaScriptEnabled: false })

const signIn = (email: string, password = TEST_PASSWORD) =>
  signedInPage(browser, stack.stack.webUrl, email, { password, viewport: { width: 1366, height: 900 }, javaScriptEnabled: false })

describe('Settings → Organisation', () => {
  it('the admin edits the profile and contact details; families see them; not taking requests takes it out of the directory', async () => {
    const org = await createTestOrganisation(stack.db)
    const admin = await signIn(org.admin.email)
    await Promise.all([admin.waitForURL('**/staff/settings/organisation'), admin.getByRole('link', { name: 'Settings' }).click()])
    expect(await admin.getByRole('link', { name: 'Organisation', exact: true }).getAttribute('aria-current')).toBe('page')

    // A mistake is named at its field and keeps what was typed.
    await admin.getByLabel('About').fill('Advocates for families in Greater Manchester.')
    await admin.getByLabel('Website').fill('javascript:alert(1)')
    await submitAndFollow(admin, 'Save profile')
    await admin.getByText('One field needs a look before the profile can be saved.').waitFor()
    expect(await admin.getByLabel('Website').getAttribute('aria-invalid')).toBe('true')
    expect(await admin.getByLabel('About').inputValue()).toBe('Advocates for families in Greater Manchester.')

    await admin.getByLabel('Response time').fill('within two working days')
    await admin.getByLabel('Contact email').fill('help@org.example')
    await admin.getByLabel('Phone').fill('0161 496 0123')
    await admin.getByLabel('Website').fill('org.example')
    await admin.getByLabel('Postal address').fill('Unit 4, Mill Yard\nManchester')
    await submitAndFollow(admin, 'Save profile')
    await admin.getByText('Organisation profile saved.').waitFor()
    expect(await admin.getByLabel('Website').inputValue()).toBe('https://org.example')
    await admin.getByText(/Ada Admin changed the organisation’s about text, response time, contact email/).waitFor()

    const family = await newPage({ width: 390, height: 844 })
    await family.goto(`/orgs/${org.org.slug}`)
    await family.getByText('usually within two working days').waitFor()
    const contact = family.getByRole('region', { name: 'Contact' })
    expect(await contact.getByRole('link', { name: 'help@org.example' }).getAttribute('href')).toBe('mailto:help@org.example')
    expect(await contact.getByRole('link', { name: '0161 496 0123' }).getAttribute('href')).toBe('tel:01614960123')
    expect(await contact.getByRole('link', { name: `${org.org.name}’s website` }).getAttribute('href')).toBe('https://org.example')
    await contact.getByText('Unit 4, Mill Yard').waitFor()
    await family.goto(`/orgs?${new URLSearchParams({ q: org.org.name })}`)
    await family.getByRole('link', { name: 'help@org.example' }).waitFor()

    await admin.getByRole('checkbox', { name: 'Taking new requests' }).uncheck()
    await submitAndFollow(admin, 'Save profile')
    await admin.getByText(/You are out of the directory and families cannot send new requests/).waitFor()
    await family.reload()
    await family.getByText('No organisation taking requests matches that name.').waitFor()
    await family.goto(`/orgs/${org.org.slug}`)
    await family.getByText(`${org.org.name} is not taking new requests at the moment.`).waitFor()
    expect(await family.getByRole('link', { name: 'Request support' }).count()).toBe(0)
  })
})

describe('Settings → Team', () => {
  it('the admin invites a colleague, who sets a password from the emailed link; changes a role; removes a member, handing over their ticket', async () => {
    const org = await createTestOrganisation(stack.db)
    const ticket = await createTicket(stack.context, {
      orgId: org.org.id,
      requesterId: org.family.id,
      subject: 'Held by Sam',
      type: 'general',
      body: 'Hello',
    })
    expect((await assign(stack.context, { ticket, actor: org.admin, assigneeId: org.advocate.id })).status).toBe('applied')
    await eventually(async () => {
      expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).assigneeId).toBe(org.advocate.id)
    })

    const admin = await signIn(org.admin.email)
    await admin.goto('/staff/settings/team')
    const email = `ivy-${Date.now()}@test.example`
    await admin.getByLabel('Name').fill('Ivy Invitee')
    await admin.getByLabel('Email').fill(email)
    await admin.getByLabel('Role', { exact: true }).selectOption({ label: 'Staff' })
    await submitAndFollow(admin, 'Send invitation')
    await admin.getByText(`Invitation sent to Ivy Invitee (${email}).`, { exact: false }).waitFor()
    const ivy = admin.getByRole('listitem', { name: /Ivy Invitee/ })
    await ivy.getByText('Invited').waitFor()

    // Inviting someone already on the team says so at the field.
    await admin.getByLabel('Name').fill('Sam again')
    await admin.getByLabel('Email').fill(org.advocate.email)
    await submitAndFollow(admin, 'Send invitation')
    await admin.getByText(/is already on the team, as staff/).waitFor()
    expect(await admin.getByLabel('Email').getAttribute('aria-invalid')).toBe('true')

    // The colleague follows the link in the outbox, chooses a password and signs in to the queue.
    const mail = await stack.db.outboxEmail.findFirstOrThrow({ where: { to: email } })
    const link = mail.text.match(/https?:\/\/\S+/)![0]
    const colleague = await newPage()
    await colleague.goto(link)
    await colleague.getByLabel('New password', { exact: true }).fill('ivy chooses a password')
    await colleague.getByLabel('New password again').fill('ivy chooses a password')
    await submitAndFollow(colleague, 'Change password')
    const signedIn = await signIn(email, 'ivy chooses a password')
    expect(new URL(signedIn.url()).pathname).toBe('/staff/tickets')

    // Sam becomes an admin.
    const sam = admin.getByRole('listitem', { name: /Sam Advocate/ })
    await sam.getByLabel('Role of Sam Advocate', { exact: true }).selectOption({ label: 'Admin' })
    await submitAndFollow(admin, 'Change the role of Sam Advocate', sam)
    await admin.getByText('Sam Advocate is now an admin.').waitFor()
    await admin.getByRole('listitem', { name: /^Sam Advocate\s+Admin$/ }).waitFor()

    // The admin cannot demote or remove themselves.
    const self = admin.getByRole('listitem', { name: /Ada Admin/ })
    await self.getByText('Another admin can change your role or take you off the team.').waitFor()
    // Their capacity is theirs to set like anyone's; their role and place on the team are not.
    expect(await self.getByRole('button', { name: /Change the role|Remove/ }).count()).toBe(0)
    expect(await self.getByRole('button', { name: /Save the capacity/ }).count()).toBe(1)

    // Sam holds a ticket: it goes to Ivy as Sam leaves the team.
    const samNow = admin.getByRole('listitem', { name: /Sam Advocate/ })
    await samNow.getByLabel('Give their ticket to').selectOption({ label: 'Ivy Invitee' })
    await submitAndFollow(admin, 'Remove Sam Advocate from the team', samNow)
    await admin.getByText('Sam Advocate is no longer on the team. Their ticket is with Ivy Invitee now.').waitFor()
    expect(await admin.getByRole('listitem', { name: /Sam Advocate/ }).count()).toBe(0)
    await admin.getByText(`removed Sam Advocate (${org.advocate.email}) from the team, handing 1 ticket to Ivy Invitee`).waitFor()
    await eventually(async () => {
      const ivyId = (await stack.db.user.findUniqueOrThrow({ where: { email } })).id
      expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).assigneeId).toBe(ivyId)
    })
  })
})

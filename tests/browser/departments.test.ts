/**
 * Departments in the portal, in headless Chromium with JavaScript off: the
 * admin adds a department in Settings → Departments and restricts a colleague
 * to another in Settings → Team; that colleague no longer finds the first
 * department's ticket in their queue, nor by its address (404); moved to their
 * department on the ticket page, it is theirs to open again.
 */
import { mkdir } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, signedInPage, submitAndFollow } from '../support/browser.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SHOTS = 'tests/.artifacts/departments'

let stack: StackConnection
let browser: Browser

beforeAll(async () => {
  stack = await connectToStack()
  browser = await launchBrowser()
  await mkdir(SHOTS, { recursive: true })
})
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

const signIn = (email: string, viewport = { width: 1366, height: 900 }) =>
  signedInPage(browser, stack.stack.webUrl, email, { viewport, javaScriptEnabled: false })

describe('departments that restrict access', () => {
  it('the admin restricts a colleague to a department; the colleague loses another department’s ticket, even by its address', async () => {
    const org = await createTestOrganisation(stack.db)
    const ticket = await createTicket(stack.context, {
      orgId: org.org.id,
      requesterId: org.family.id,
      subject: 'Help with the annual review meeting',
      type: 'annual_review',
      body: 'The review is on the 15th.',
    })
    const admin = await signIn(org.admin.email)
    await admin.goto('/staff/settings/departments')
    await admin.getByLabel('Name', { exact: true }).fill('Tribunals')
    await admin.getByRole('combobox', { name: 'Lead', exact: true }).selectOption({ label: org.advocate.name })
    await submitAndFollow(admin, 'Add department')
    await admin.getByText('Department “Tribunals” added.').waitFor()
    const departments = admin.getByRole('list', { name: 'Departments' })
    await departments.getByText(`Led by ${org.advocate.name}`).waitFor()
    await admin.screenshot({ path: `${SHOTS}/settings-departments.png`, fullPage: true })

    // The default department cannot be archived: requests that name none go there.
    await submitAndFollow(admin, 'Archive General')
    await admin.getByText(/General is where requests that name no department go/).waitFor()

    await admin.goto('/staff/settings/team')
    const row = admin.getByRole('listitem', { name: org.advocate.name })
    await row.getByRole('checkbox', { name: 'Tribunals' }).check()
    await submitAndFollow(admin, 'Save the departments of Sam Advocate', row)
    await admin.getByText('Sam Advocate now sees the tickets of Tribunals.').waitFor()
    await admin.getByText(/restricted Sam Advocate \(.*\) to Tribunals/).waitFor()
    await admin.screenshot({ path: `${SHOTS}/settings-team.png`, fullPage: true })

    const advocate = await signIn(org.advocate.email)
    await advocate.goto('/staff/tickets?view=all')
    await advocate.getByRole('heading', { name: 'Ticket queue' }).waitFor()
    expect(await advocate.getByText('Help with the annual review meeting').count()).toBe(0)
    await advocate.screenshot({ path: `${SHOTS}/queue-restricted.png`, fullPage: true })
    const byAddress = await advocate.goto(`/tickets/${org.org.slug}/${ticket.number}`)
    expect(byAddress?.status()).toBe(404)

    // The admin moves it to Tribunals from its page: the colleague has it again.
    await admin.goto(`/tickets/${org.org.slug}/${ticket.number}`)
    const card = admin.getByRole('region', { name: 'Department' })
    await card.getByRole('combobox', { name: 'Department' }).selectOption({ label: 'Tribunals' })
    await submitAndFollow(admin, 'Move', card)
    await admin.getByText(`Ticket #${ticket.number} moved to Tribunals.`).waitFor()
    await admin.getByText('Moved from General to Tribunals').waitFor()
    await admin.screenshot({ path: `${SHOTS}/ticket-moved.png`, fullPage: true })
    const again = await advocate.goto(`/tickets/${org.org.slug}/${ticket.number}`)
    expect(again?.status()).toBe(200)
  })

  it('a family chooses among the active departments on a phone', async () => {
    const org = await createTestOrganisation(stack.db)
    await stack.db.department.createMany({
      data: [
        { orgId: org.org.id, slug: 'tribunals', name: 'Tribunals' },
        { orgId: org.org.id, slug: 'old-team', name: 'Old team', archivedAt: new Date() },
      ],
    })
    const family = await signIn(org.family.email, { width: 390, height: 844 })
    await family.goto(`/orgs/${org.org.slug}/request`)
    const options = await family.getByLabel('Team').locator('option').allTextContents()
    expect(options).toEqual(['Not sure: let the organisation decide', 'General', 'Tribunals'])
    await family.screenshot({ path: `${SHOTS}/request-phone.png`, fullPage: true })
  })
})

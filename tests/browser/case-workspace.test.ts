/**
 * The case workspace's done-when journey, in headless Chromium with JavaScript
 * off: an admin assigns a new ticket in triage; the advocate finds its case in
 * My cases, replies from its Ticket tab, adds a next action due in a minute and,
 * with nobody touching it, sees it flagged overdue (the case workflow's timer)
 * and is notified; the admin's dashboard shows the case, its last activity and
 * the overdue action; closing the case resolves its ticket. Screenshots of the
 * list, the dashboard and the case page at 390, 1366 and 1920 px.
 */
import { mkdir } from 'node:fs/promises'
import { DateTime } from 'luxon'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, signedInPage, submitAndFollow } from '../support/browser.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SHOTS = 'tests/.artifacts/case-workspace'
const WIDTHS = [390, 1366, 1920] as const

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

/** The page at each width, whole. */
async function shoot(page: Page, name: string) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 })
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true })
  }
  await page.setViewportSize({ width: 1366, height: 900 })
}

describe('the case workspace', () => {
  it('from triage to a closed case: reply from the Ticket tab, an action that falls overdue by itself, the team dashboard', async () => {
    const org = await createTestOrganisation(stack.db)
    const subject = 'The council will not assess Leo'
    const ticket = await createTicket(stack.context, {
      orgId: org.org.id,
      requesterId: org.family.id,
      subject,
      type: 'ehcp',
      body: 'We asked for an EHC needs assessment in September and heard nothing.',
      childName: 'Leo',
    })

    const admin = await signIn(org.admin.email)
    await admin.goto('/staff/triage')
    const card = admin.getByRole('region', { name: subject })
    await card.getByRole('combobox', { name: 'Assign to' }).selectOption(org.advocate.id)
    await submitAndFollow(admin, 'Assign', card)
    const kase = await eventually(async () => {
      const row = await stack.db.ticket.findUniqueOrThrow({
        where: { id: ticket.id },
        select: { case: { select: { caseRef: true, number: true } } },
      })
      expect(row.case).not.toBeNull()
      return row.case!
    })

    const advocate = await signIn(org.advocate.email)
    await advocate.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click()
    await advocate.getByRole('heading', { name: 'My cases' }).waitFor()
    await shoot(advocate, 'my-cases')
    await advocate.getByRole('link', { name: kase.caseRef }).first().click()
    await advocate.getByRole('heading', { name: `${kase.caseRef}: ${org.family.name}, for Leo` }).waitFor()

    await advocate
      .getByRole('navigation', { name: 'Parts of the case' })
      .getByRole('link', { name: `#${ticket.number} ${subject}` })
      .click()
    await advocate.getByLabel('Message').fill('We will write to the council this week and ask for their decision.')
    await submitAndFollow(advocate, 'Send reply')
    await advocate.getByText(/^Reply sent\./).waitFor()
    await advocate.getByText('We will write to the council this week and ask for their decision.').waitFor()
    await shoot(advocate, 'case-ticket-tab')

    await advocate.getByRole('navigation', { name: 'Parts of the case' }).getByRole('link', { name: 'Overview' }).click()
    const tz = (await stack.db.organisation.findUniqueOrThrow({ where: { id: org.org.id }, select: { timezone: true } })).timezone
    const inAMinute = DateTime.now().setZone(tz).plus({ seconds: 61 }).toFormat("yyyy-MM-dd'T'HH:mm")
    await advocate.getByLabel('What needs doing').fill('Phone the council’s SEN team')
    await advocate.getByLabel('Due', { exact: true }).fill(inAMinute)
    await submitAndFollow(advocate, 'Add next action')
    await advocate.getByText('Next action added').waitFor()
    const actions = advocate.getByRole('region', { name: 'Next actions' })
    await actions.getByText('Open', { exact: true }).waitFor()

    // Nobody touches the case: its workflow's timer flags the action when it falls due.
    await expect
      .poll(
        async () => {
          await advocate.reload()
          return await actions.getByText('Overdue', { exact: true }).count()
        },
        { timeout: 120_000, interval: 5_000 },
      )
      .toBe(1)
    await advocate.getByText('Overdue: 1 action').waitFor()
    await shoot(advocate, 'case-overview')
    await advocate.goto('/notifications')
    await advocate.getByText(new RegExp(`Overdue on case ${kase.caseRef} for Leo .*Phone the council’s SEN team`)).waitFor()

    await admin.goto('/staff/cases')
    await admin.getByRole('heading', { name: 'Team cases' }).waitFor()
    await admin.getByRole('link', { name: `${org.advocate.name} 1 active case` }).waitFor()
    const row = admin.getByRole('row', { name: new RegExp(kase.caseRef) })
    await row.getByText('Overdue: 1 action').waitFor()
    await row.getByText('Phone the council’s SEN team').waitFor()
    await row.getByText('Message:').waitFor()
    await admin.getByLabel('Overdue actions only').check()
    await submitAndFollow(admin, 'Apply filters')
    await admin.getByRole('row', { name: new RegExp(kase.caseRef) }).waitFor()
    await shoot(admin, 'team-dashboard')

    await advocate.goto(`/staff/cases/${kase.number}`)
    await advocate.getByLabel('Why it is closing').fill('The council agreed to assess')
    await submitAndFollow(advocate, 'Close the case')
    await advocate.getByText('Case closed; 1 ticket resolved').waitFor()
    await eventually(async () =>
      expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { status: true } })).toEqual({
        status: 'resolved',
      }),
    )
    await advocate
      .getByRole('navigation', { name: 'Parts of the case' })
      .getByRole('link', { name: `#${ticket.number} ${subject}` })
      .click()
    await advocate.getByText(/^Ticket status: Resolved$/).waitFor()
  })
})

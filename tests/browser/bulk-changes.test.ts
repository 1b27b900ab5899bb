/**
 * A bulk change as an advocate makes it, without JavaScript, in headless
 * Chromium at 1366 px: tick a dozen tickets in the queue (one of them closed
 * by a colleague meanwhile), set their priority, and read the result page, which refreshes itself until
 * the change is done: eleven changed, the closed one refused and why.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../scripts/lib/paths.ts'
import { changeStatus } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, newPortalPage, signInThroughPage, submitAndFollow } from '../support/browser.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SHOTS = path.join(projectRoot, 'tests', '.artifacts', 'bulk-changes')

let stack: StackConnection
let browser: Browser
let people: Awaited<ReturnType<typeof createTestOrganisation>>
const tickets: { id: string; number: number; subject: string }[] = []

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  browser = await launchBrowser()
  await mkdir(SHOTS, { recursive: true })
  for (let i = 1; i <= 12; i++) {
    const subject = `Bulk request ${i}`
    const ticket = await createTicket(stack.context, {
      orgId: people.org.id,
      requesterId: people.family.id,
      type: 'ehcp',
      subject,
      body: 'Help.',
    })
    tickets.push({ ...ticket, subject })
  }
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

describe('a bulk change from the queue', () => {
  it('changes a dozen ticked tickets without JavaScript and reports each result', async () => {
    const page = await newPortalPage(browser, stack.stack.webUrl, { viewport: { width: 1366, height: 900 }, javaScriptEnabled: false })
    await signInThroughPage(page, people.advocate.email, TEST_PASSWORD)
    await page.goto('/staff/tickets?view=all')
    for (const ticket of tickets) await page.getByRole('checkbox', { name: `Select #${ticket.number} ${ticket.subject}` }).check()
    // Closed by a colleague while the queue was open: its change is refused, by the same rule as on the ticket.
    expect(await changeStatus(stack.context, { ticket: tickets[0]!, actor: people.admin, status: 'closed' })).toMatchObject({
      status: 'applied',
    })
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Priority: High' })
    await page.screenshot({ path: `${SHOTS}/queue-with-choices.png`, fullPage: true })
    await submitAndFollow(page, 'Apply to chosen tickets')
    expect(page.url()).toMatch(/\/staff\/bulk\/[0-9a-f-]{36}$/)
    // The page refreshes itself (a meta refresh) until every ticket has its outcome.
    await expect.poll(() => page.getByRole('heading', { level: 2 }).first().textContent(), { timeout: 60_000 }).toBe('Finished')
    await expect.poll(() => page.getByRole('status').textContent()).toContain('11 changed, 1 refused, 0 failed')
    const changed = page.locator('[aria-labelledby="bulk-succeeded"]')
    expect(await changed.getByRole('link').count()).toBe(11)
    const refused = page.locator('[aria-labelledby="bulk-refused"]')
    expect(await refused.getByRole('link').textContent()).toBe(`#${tickets[0]!.number} ${tickets[0]!.subject}`)
    expect(await refused.textContent()).toMatch(/closed|no longer open/i)
    await page.screenshot({ path: `${SHOTS}/result.png`, fullPage: true })
  })
})

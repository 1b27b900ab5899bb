/**
 * Tags and time as an advocate meets them, in headless Chromium at 1366 px
 * against the built portal: add a tag chosen from the suggestions, filter the
 * queue by it, log "1h 30m" and see the ticket's total.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../scripts/lib/paths.ts'
import { addTicketTag } from '../../services/tags.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, newPortalPage, signInThroughPage } from '../support/browser.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SHOTS = path.join(projectRoot, 'tests', '.artifacts', 'tags-and-time')

let stack: StackConnection
let browser: Browser
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let ticket: { id: string; orgId: string; number: number }

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  browser = await launchBrowser()
  await mkdir(SHOTS, { recursive: true })
  const request = { orgId: people.org.id, requesterId: people.family.id, type: 'tribunal' as const, body: 'Please help.' }
  const other = await createTicket(stack.context, { ...request, subject: 'Transport to school stopped' })
  await addTicketTag(stack.db, { ticket: other, name: 'Tribunal prep', actorId: people.admin.id, via: 'cli' })
  ticket = await createTicket(stack.context, { ...request, subject: 'Tribunal bundle is due in two weeks' })
  await createTicket(stack.context, { ...request, subject: 'Annual review paperwork' })
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

describe('tags and time on a ticket', () => {
  it('adds a suggested tag, filters the queue by it, logs 1h 30m and shows the total', async () => {
    const page = await newPortalPage(browser, stack.stack.webUrl, { viewport: { width: 1366, height: 900 } })
    await signInThroughPage(page, people.advocate.email, TEST_PASSWORD)
    await page.goto(`/tickets/${people.org.slug}/${ticket.number}`)

    const tags = page.getByRole('region', { name: 'Tags' }).or(page.locator('[aria-labelledby="tags-heading"]'))
    // The organisation's existing tag is offered as a suggestion.
    expect(
      await page.locator('#tag-suggestions option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)),
    ).toEqual(['Tribunal prep'])
    await page.getByLabel('Add a tag').fill('tribunal prep')
    await page.getByRole('button', { name: 'Add tag' }).click()
    await expect.poll(() => tags.getByRole('list', { name: 'Tags' }).textContent()).toContain('Tribunal prep')
    await expect
      .poll(() => page.locator('[aria-labelledby="timeline-heading"]').textContent())
      .toContain('Sam Advocate tagged it Tribunal prep')

    await page.getByLabel('Time spent').last().fill('1h 30m')
    await page.getByLabel('Note').last().fill('Went through the bundle with the family')
    await page.getByRole('button', { name: 'Log time' }).click()
    await expect.poll(() => page.locator('[aria-labelledby="time-heading"]').textContent()).toContain('Total 1h 30m')
    await page.locator('[aria-labelledby="time-heading"]').scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/ticket-tags-and-time.png`, fullPage: true })

    await page.goto('/staff/tickets?view=all')
    await page.getByLabel('Tag', { exact: true }).selectOption({ label: 'Tribunal prep' })
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/tag=/)
    const subjects = await page.locator('table tbody tr td:nth-child(3) a').allTextContents()
    expect(subjects.sort()).toEqual(['Transport to school stopped', 'Tribunal bundle is due in two weeks'])
    await expect.poll(() => page.getByRole('navigation', { name: 'Ticket status' }).textContent()).toMatch(/All open\D*2/)
    await page.screenshot({ path: `${SHOTS}/queue-by-tag.png`, fullPage: true })
  })
})

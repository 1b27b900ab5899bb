/**
 * Related tickets as an advocate meets them, in headless Chromium at 1366 px
 * against the built portal: link a ticket by number from the ticket page, see
 * the link (with its status in words) on the other ticket, and unlink it there.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../scripts/lib/paths.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, newPortalPage, signInThroughPage } from '../support/browser.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SHOTS = path.join(projectRoot, 'tests', '.artifacts', 'ticket-links')

let stack: StackConnection
let browser: Browser
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let brother: { number: number }
let sister: { number: number }

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  browser = await launchBrowser()
  await mkdir(SHOTS, { recursive: true })
  const request = { orgId: people.org.id, requesterId: people.family.id, type: 'ehcp' as const, body: 'Please help.' }
  brother = await createTicket(stack.context, { ...request, subject: 'Leo’s school place' })
  sister = await createTicket(stack.context, { ...request, subject: 'Maya’s school place, same school' })
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

describe('related tickets', () => {
  it('links a ticket by number, shows it on the other ticket, and unlinks it there', async () => {
    const page = await newPortalPage(browser, stack.stack.webUrl, { viewport: { width: 1366, height: 900 } })
    await signInThroughPage(page, people.advocate.email, TEST_PASSWORD)
    await page.goto(`/tickets/${people.org.slug}/${brother.number}`)

    const card = page.locator('[aria-labelledby="related-heading"]')
    await expect.poll(() => card.textContent()).toContain('No related tickets yet.')
    await page.getByLabel('Add by number').fill(String(brother.number))
    await page.getByRole('button', { name: 'Link ticket' }).click()
    await expect.poll(() => card.textContent()).toContain('A ticket cannot be linked to itself')
    await page.getByLabel('Add by number').fill(`#${sister.number}`)
    await page.getByRole('button', { name: 'Link ticket' }).click()
    const list = card.getByRole('list', { name: 'Related tickets' })
    await expect.poll(() => list.textContent()).toContain(`#${sister.number} Maya’s school place, same school`)
    expect(await list.textContent()).toContain('Status: New')
    await expect
      .poll(() => page.locator('[aria-labelledby="timeline-heading"]').textContent())
      .toContain(`Sam Advocate linked it to ticket #${sister.number}`)
    await card.scrollIntoViewIfNeeded()
    await page.screenshot({ path: `${SHOTS}/linked.png`, fullPage: true })

    await list.getByRole('link', { name: `#${sister.number} Maya’s school place, same school` }).click()
    await page.waitForURL(new RegExp(`/${sister.number}$`))
    await expect
      .poll(() => card.getByRole('list', { name: 'Related tickets' }).textContent())
      .toContain(`#${brother.number} Leo’s school place`)
    await card.getByRole('button', { name: `Unlink ticket #${brother.number}` }).click()
    await expect.poll(() => card.textContent()).toContain('No related tickets yet.')
    await expect
      .poll(() => page.locator('[aria-labelledby="timeline-heading"]').textContent())
      .toContain(`Sam Advocate unlinked ticket #${brother.number}`)

    await page.goto(`/tickets/${people.org.slug}/${brother.number}`)
    await expect.poll(() => card.textContent()).toContain('No related tickets yet.')
  })
})

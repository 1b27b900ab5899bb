/**
 * "Tell the family" on the checklist, in headless Chromium without JavaScript
 * (plain forms): an advocate adds a step and ticks another with the box ticked,
 * and the family finds both notices on their notifications page.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../scripts/lib/paths.ts'
import { addChecklistItem } from '../../services/checklists.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, signedInPage, submitAndFollow } from '../support/browser.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SHOTS = path.join(projectRoot, 'tests', '.artifacts', 'checklist-notices')

let stack: StackConnection
let browser: Browser
let people: Awaited<ReturnType<typeof createTestOrganisation>>

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  browser = await launchBrowser()
  await mkdir(SHOTS, { recursive: true })
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

describe('telling the family of checklist steps', () => {
  it('an advocate adds and ticks steps with “Tell the family”, and the family reads both notices', async () => {
    const ticket = await createTicket(stack.context, {
      orgId: people.org.id,
      requesterId: people.family.id,
      type: 'ehcp',
      subject: 'Reports for the review',
      body: 'The annual review is next month.',
    })
    await addChecklistItem(stack.db, { ticket, title: 'Send the school report', staffOnly: false, actorId: null, via: 'cli' })
    const advocate = await signedInPage(browser, stack.stack.webUrl, people.advocate.email, {
      viewport: { width: 1366, height: 900 },
      javaScriptEnabled: false,
    })
    await advocate.goto(`/tickets/${people.org.slug}/${ticket.number}`)
    const checklist = advocate.locator('[aria-labelledby="checklist-heading"]')
    await checklist.getByLabel('Send the school report', { exact: true }).check()
    await checklist.getByLabel('Tell the family when ticked (“Send the school report”)').check()
    await submitAndFollow(advocate, 'Save whether “Send the school report” is done')
    expect(await advocate.locator('main').textContent()).toContain('Ticked “Send the school report”; the family will be told.')

    await advocate.getByLabel('Add a step').fill('Sign the consent form')
    await advocate.getByLabel('Tell the family', { exact: true }).check()
    await advocate.screenshot({ path: `${SHOTS}/staff-checklist.png`, fullPage: true })
    await submitAndFollow(advocate, 'Add step')
    expect(await advocate.locator('main').textContent()).toContain(
      'Added “Sign the consent form” to the checklist; the family will be told.',
    )
    await advocate.locator('[aria-labelledby="checklist-heading"]').screenshot({ path: `${SHOTS}/staff-checklist-card.png` })

    const family = await signedInPage(browser, stack.stack.webUrl, people.family.email, {
      viewport: { width: 390, height: 844 },
      javaScriptEnabled: false,
    })
    await expect
      .poll(() => stack.db.notification.count({ where: { userId: people.family.id, kind: 'checklist_changed' } }), { timeout: 30_000 })
      .toBe(2)
    await family.goto('/notifications')
    const text = await family.locator('main').textContent()
    expect(text).toContain(`Your advocate ticked “Send the school report” on request #${ticket.number}.`)
    expect(text).toContain(`Your advocate added a step for you on request #${ticket.number}: “Sign the consent form”.`)
    await family.screenshot({ path: `${SHOTS}/family-notifications.png`, fullPage: true })
  }, 90_000)
})

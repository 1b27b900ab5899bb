/**
 * Templates and the resolve confirmation as people meet them, in headless
 * Chromium without JavaScript (plain forms): an admin adds an EHCP template
 * under Settings, a family's new EHCP request gets its checklist, and an
 * advocate replying "Send and set Resolved" with steps open is asked first.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../scripts/lib/paths.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, signedInPage, submitAndFollow } from '../support/browser.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SHOTS = path.join(projectRoot, 'tests', '.artifacts', 'templates')

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

describe('ticket templates', () => {
  it('an admin adds an EHCP template, a new EHCP request takes its checklist, and resolving with open steps asks first', async () => {
    const admin = await signedInPage(browser, stack.stack.webUrl, people.admin.email, {
      viewport: { width: 1366, height: 900 },
      javaScriptEnabled: false,
    })
    await admin.goto('/staff/settings/templates')
    await admin.getByLabel('Type of ticket').selectOption('ehcp')
    await admin.getByLabel('Name').first().fill('EHCP needs assessment')
    await admin.getByLabel('Default priority').first().selectOption('high')
    await admin.getByLabel('Tags').first().fill('EHCP')
    await admin.getByLabel('Checklist steps').fill('Send us the school report\nstaff: Diary the 6-week decision\nDraft the request')
    await submitAndFollow(admin, 'Add template')
    expect(await admin.locator('main').textContent()).toContain('Template “EHCP needs assessment” added: the default for EHCP')
    const card = admin.locator('[aria-labelledby^="template-"]')
    expect(await card.getByRole('heading', { level: 3 }).textContent()).toContain('Default')
    expect(await card.getByRole('list', { name: 'Steps of EHCP needs assessment' }).textContent()).toContain('(staff only)')
    await admin.screenshot({ path: `${SHOTS}/settings-templates.png`, fullPage: true })

    const ticket = await createTicket(stack.context, {
      orgId: people.org.id,
      requesterId: people.family.id,
      type: 'ehcp',
      subject: 'Assessment for Jo',
      body: 'School says Jo needs more support.',
    })
    await admin.goto(`/tickets/${people.org.slug}/${ticket.number}`)
    const checklist = admin.locator('[aria-labelledby="checklist-heading"]')
    expect(await checklist.getByRole('list', { name: 'Checklist items' }).textContent()).toContain('Diary the 6-week decision')
    expect(await checklist.textContent()).toContain('0 of 3 done')
    expect(await checklist.textContent()).toContain('Template: EHCP needs assessment')

    await admin.getByLabel('Message').fill('We have everything we need: closing this for now.')
    await admin.getByLabel('After sending').selectOption('resolved')
    await submitAndFollow(admin, 'Send reply')
    const reply = admin.locator('[aria-labelledby="reply-heading"]')
    expect(await reply.textContent()).toContain('3 checklist items are not done yet. Resolve the ticket anyway?')
    expect(await admin.getByLabel('Message').inputValue()).toBe('We have everything we need: closing this for now.')
    await admin.screenshot({ path: `${SHOTS}/resolve-confirmation.png`, fullPage: true })
    await submitAndFollow(admin, 'Send and resolve anyway')
    await expect.poll(async () => (await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe('resolved')
  })
})

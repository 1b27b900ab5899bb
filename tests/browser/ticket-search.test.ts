/**
 * Search as people use it, in headless Chromium without JavaScript: an advocate
 * searches the queue for words a family wrote and finds the ticket with the
 * passage marked; the family searches their own requests the same way and does
 * not find it by the advocate's internal note.
 */
import { mkdir } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, signedInPage } from '../support/browser.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let browser: Browser
let people: Awaited<ReturnType<typeof createTestOrganisation>>
const subject = 'Our son’s transport to school'
const SHOTS = 'tests/.artifacts/search'

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  browser = await launchBrowser()
  await mkdir(SHOTS, { recursive: true })
  const ticket = await createTicket(stack.context, {
    orgId: people.org.id,
    requesterId: people.family.id,
    subject,
    type: 'ehcp',
    body: 'The minibus driver changed and now the pickup is at half past six every morning.',
  })
  await postMessage(stack.context, {
    ticket,
    author: people.advocate,
    role: 'staff',
    body: 'Internal: ask the transport officer, Mr Pennyworth, about the contract.',
    visibility: 'internal',
  })
})
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

it('staff find a ticket by what the family wrote; the family finds it too, but not by an internal note', async () => {
  const advocate = await signedInPage(browser, stack.stack.webUrl, people.advocate.email, { javaScriptEnabled: false })
  await advocate.goto(`/staff/tickets?org=${people.org.slug}&view=all`)
  await advocate.getByLabel('Search').fill('minibus pickup')
  await advocate.getByRole('button', { name: 'Apply filters' }).click()
  const row = advocate.getByRole('row').filter({ hasText: subject })
  await expect.poll(() => row.count()).toBe(1)
  expect(await row.locator('mark').allTextContents()).toEqual(['minibus', 'pickup'])
  await advocate.screenshot({ path: `${SHOTS}/queue-search.png`, fullPage: true })

  const family = await signedInPage(browser, stack.stack.webUrl, people.family.email, {
    javaScriptEnabled: false,
    viewport: { width: 390, height: 844 },
  })
  await family.goto('/my/tickets')
  await family.getByLabel('Search your requests').fill('half past six')
  await family.getByRole('button', { name: 'Search', exact: true }).click()
  await expect.poll(() => family.getByRole('link', { name: subject }).count()).toBe(1)
  expect(await family.locator('mark').allTextContents()).toEqual(expect.arrayContaining(['half', 'past', 'six']))
  await family.screenshot({ path: `${SHOTS}/family-search.png`, fullPage: true })

  await family.getByLabel('Search your requests').fill('Pennyworth')
  await family.getByRole('button', { name: 'Search', exact: true }).click()
  await expect.poll(() => family.getByText('match “Pennyworth”').count()).toBe(1)
  expect(await family.getByRole('link', { name: subject }).count()).toBe(0)
})

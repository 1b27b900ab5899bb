/**
 * A document request as an advocate and a family meet it, in headless Chromium
 * against the built portal: the advocate starts it from the queue's "Message a
 * family" (staff width, JavaScript on); the family, on a phone without
 * JavaScript, sees the upload prompt, sends the file, and the item ticks itself.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../scripts/lib/paths.ts'
import { launchBrowser, signedInPage, submitAndFollow } from '../support/browser.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SHOTS = path.join(projectRoot, 'tests', '.artifacts', 'conversations')

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

describe('a document request', () => {
  it('an advocate asks for a document; the family sees the prompt, sends the file, and the item ticks itself', async () => {
    const staff = await signedInPage(browser, stack.stack.webUrl, people.advocate.email, { viewport: { width: 1366, height: 900 } })
    await staff.goto('/staff/tickets')
    await staff.getByRole('link', { name: 'Message a family' }).click()
    await staff.waitForURL('**/staff/conversations/new')
    await staff.getByLabel('Find a family').fill('Fran')
    await submitAndFollow(staff, 'Search')
    await staff.getByLabel(/Fran Family/).check()
    await staff.getByLabel('Document request').check()
    await staff.getByLabel('Document you need').fill('Latest EHCP draft')
    await staff.getByLabel('Subject', { exact: true }).fill('We need the draft plan')
    await staff.getByLabel('Message', { exact: true }).fill('Please upload the draft the council sent you.')
    await staff.screenshot({ path: path.join(SHOTS, 'message-a-family.png'), fullPage: true })
    await Promise.all([staff.waitForURL(`**/tickets/${people.org.slug}/*`), staff.getByRole('button', { name: 'Send' }).click()])
    await expect.poll(() => staff.getByRole('heading', { level: 1 }).textContent()).toContain('Conversation')
    const number = staff.url().split('/').pop()!

    await staff.goto('/staff/tickets')
    const row = staff.getByRole('row').filter({ hasText: 'We need the draft plan' })
    await expect.poll(() => row.textContent()).toContain('Conversation')
    await staff.screenshot({ path: path.join(SHOTS, 'queue.png'), fullPage: true })

    const family = await signedInPage(browser, stack.stack.webUrl, people.family.email, {
      viewport: { width: 390, height: 844 },
      javaScriptEnabled: false,
    })
    await family.goto('/my/tickets')
    expect(await family.getByRole('list', { name: 'Your requests' }).textContent()).toContain(`Conversation #${number}`)
    await family.goto(`/tickets/${people.org.slug}/${number}`)
    expect(await family.getByRole('heading', { name: 'Send us: Latest EHCP draft' }).isVisible()).toBe(true)
    await family.screenshot({ path: path.join(SHOTS, 'family-prompt.png'), fullPage: true })
    await family.getByLabel('Message', { exact: true }).fill('Here is the draft.')
    await family.getByLabel('The document: Latest EHCP draft').setInputFiles({
      name: 'draft.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 draft plan'),
    })
    await submitAndFollow(family, 'Send reply')
    const steps = family.getByRole('list', { name: 'Checklist steps' })
    expect(await steps.textContent()).toMatch(/Send us: Latest EHCP draft\s*\(done/)
    expect(await family.getByRole('heading', { name: 'Reply' }).isVisible()).toBe(true)
    await family.screenshot({ path: path.join(SHOTS, 'family-sent.png'), fullPage: true })
  })
})

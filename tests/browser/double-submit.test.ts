/**
 * "Send request" clicked twice quickly makes one ticket, in headless Chromium
 * against the built portal. With JavaScript the button is disabled while the
 * request is on its way, so the second click sends nothing; without it both
 * clicks post the form, and its one-time token makes the second a repeat that
 * lands on the same ticket.
 */
import type { Browser, Page, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, newPortalPage, signInThroughPage } from '../support/browser.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let browser: Browser
let people: Awaited<ReturnType<typeof createTestOrganisation>>

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

async function fillInRequest(page: Page, subject: string) {
  await page.goto(`/orgs/${people.org.slug}/request`)
  await page.getByLabel('Type').selectOption({ label: 'General' })
  await page.getByLabel('Subject').fill(subject)
  await page.getByLabel('Message').fill('We need help with the school.')
}

const ticketsWith = (subject: string) => stack.db.ticket.findMany({ where: { orgId: people.org.id, subject }, select: { number: true } })

describe('"Send request" clicked twice', () => {
  it('with JavaScript: the button is disabled while the request is sent, and one ticket is made', async () => {
    const page = await signInThroughPage(await newPortalPage(browser, stack.stack.webUrl), people.family.email, TEST_PASSWORD)
    const subject = `Double click with JavaScript ${Date.now()}`
    await fillInRequest(page, subject)
    // The request is held on its way, so the second click comes while it is in flight.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let posts = 0
    await page.route(`**/orgs/${people.org.slug}/request*`, async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue()
      posts++
      await held
      await route.continue()
    })
    const button = page.getByRole('button', { name: 'Send request' })
    await button.click()
    const sending = page.getByRole('button', { name: 'Sending…' })
    await expect.poll(() => sending.isDisabled()).toBe(true)
    // A real click on a disabled button does nothing; force it past Playwright's own wait.
    await sending.click({ force: true })
    release()
    await page.waitForURL(/\/tickets\//)
    expect(posts).toBe(1)
    const tickets = await ticketsWith(subject)
    expect(tickets).toHaveLength(1)
    expect(new URL(page.url()).pathname).toBe(`/tickets/${people.org.slug}/${tickets[0]!.number}`)
    await page.getByText(`Request sent to ${people.org.name}.`).waitFor()
  })

  it('without JavaScript: both clicks post the form, one ticket is made, and the page lands on it', async () => {
    const page = await newPortalPage(browser, stack.stack.webUrl, { javaScriptEnabled: false })
    await signInThroughPage(page, people.family.email, TEST_PASSWORD)
    const subject = `Double click without JavaScript ${Date.now()}`
    await fillInRequest(page, subject)
    // The first post is held until the second comes, then both reach the server at the same moment,
    // even the one the browser gave up on for the next.
    let posts = 0
    let bothSent!: () => void
    const both = new Promise<void>((resolve) => (bothSent = resolve))
    await page.route(`**/orgs/${people.org.slug}/request*`, async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue()
      if (++posts === 2) bothSent()
      await both
      const response = await route.fetch({ maxRedirects: 0 })
      await route.fulfill({ response }).catch(() => undefined)
    })
    // Clicks of the mouse itself: they do not wait for the navigation they start, which is held.
    const button = page.getByRole('button', { name: 'Send request' })
    await button.scrollIntoViewIfNeeded()
    const box = (await button.boundingBox())!
    const click = () => page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await click()
    await expect.poll(() => posts).toBe(1)
    // Nothing disables the button without JavaScript.
    await click()
    // The ticket page, whichever answer the browser kept (the first navigation was abandoned).
    await page.getByRole('heading', { level: 1, name: subject }).waitFor()
    expect(posts).toBe(2)
    const tickets = await ticketsWith(subject)
    expect(tickets).toHaveLength(1)
    expect(new URL(page.url()).pathname).toBe(`/tickets/${people.org.slug}/${tickets[0]!.number}`)
  })
})

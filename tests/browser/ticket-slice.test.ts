/**
 * The foundation slice as people walk it, in headless Chromium against the built
 * portal: a family signs in and asks for help, an advocate replies from the queue,
 * and the family sees the reply and the new status.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
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

async function signIn(email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: stack.stack.webUrl })).newPage()
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  return page
}

it('a family asks for help, an advocate replies, the family sees the reply and the new status', async () => {
  const subject = 'Help with our EHCP needs assessment request'
  const reply = 'Thank you. Please send us the letter the council sent you.'

  const family = await signIn(people.family.email)
  await family.goto(`/orgs/${people.org.slug}`)
  await family.getByRole('link', { name: 'Request support' }).click()
  await family.getByLabel('Type').selectOption({ label: 'EHCP' })
  await family.getByLabel('Subject').fill(subject)
  await family.getByLabel("Child's name").fill('Robin')
  await family.getByLabel('Message').fill('The council has not replied to our request for an assessment.')
  await family.getByRole('button', { name: 'Send request' }).click()
  await family.waitForURL(new RegExp(`/tickets/${people.org.slug}/\\d+$`))
  await expect.poll(() => family.getByRole('heading', { level: 1 }).textContent()).toBe(subject)
  expect(await family.getByRole('status').textContent()).toContain('Received')
  const ticketPath = new URL(family.url()).pathname

  const advocate = await signIn(people.advocate.email)
  await advocate.goto('/staff/tickets')
  await advocate.getByRole('link', { name: subject }).click()
  await advocate.waitForURL((url) => url.pathname === ticketPath)
  await expect.poll(() => advocate.getByRole('status').textContent()).toContain('New')
  await advocate.getByLabel('Message').fill(reply)
  await advocate.getByRole('button', { name: 'Send reply' }).click()
  await expect.poll(() => advocate.getByRole('status').textContent()).toContain('In progress')

  await family.reload()
  await expect.poll(() => family.getByText(reply).count()).toBe(1)
  expect(await family.getByRole('status').textContent()).toContain('Waiting for you')
})

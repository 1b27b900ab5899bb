/**
 * The foundation slice as people walk it, in headless Chromium against the built
 * portal: a family signs in and asks for help, an advocate replies from the queue,
 * and the family sees the reply and the new status.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { launchBrowser, signedInPage } from '../support/browser.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
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

const signIn = (email: string) => signedInPage(browser, stack.stack.webUrl, email)

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

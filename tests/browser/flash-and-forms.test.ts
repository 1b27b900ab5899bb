/**
 * What forms say back, in headless Chromium against the built portal: a flash
 * belongs to the request that made it (an old "added" never stands beside a new
 * error), a long message is counted as it nears its limit, and a family with an
 * account can send a request from the signed-out form with its password, losing
 * nothing they typed on the way.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MESSAGE_MAX } from '../../domain/limits.ts'
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

const newPage = (options?: Parameters<typeof newPortalPage>[2]) => newPortalPage(browser, stack.stack.webUrl, options)

/**
 * Clicks a form's button and waits until the page shows `answer`. With JavaScript
 * the page changes in place: the action's answer shows first, then what the
 * loaders send after it.
 */
async function submit(page: Page, button: string, answer: string | RegExp) {
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === 'POST'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ])
  await page.getByText(answer).first().waitFor()
}

describe('a flash, with JavaScript', () => {
  it('shows after a successful save, and is gone when the next save is refused', async () => {
    const admin = await signInThroughPage(await newPage(), people.admin.email, TEST_PASSWORD)
    await admin.goto('/staff/settings/saved-replies')
    const title = `Chasing the council ${Date.now()}`
    for (const attempt of ['first', 'again']) {
      await admin.getByLabel('Title').fill(title)
      await admin.getByLabel('Reply text').fill(`We have written to the council (${attempt}).`)
      await submit(admin, 'Add saved reply', attempt === 'first' ? `Saved reply “${title}” added.` : 'There is already a saved reply')
    }
    expect(await admin.getByText('There is already a saved reply with this title').count()).toBe(1)
    await expect.poll(() => admin.getByText(`Saved reply “${title}” added.`).count(), { timeout: 5_000 }).toBe(0)
    // What was typed stays for the person to change.
    expect(await admin.getByLabel('Reply text').inputValue()).toBe('We have written to the council (again).')
  })

  it('on the SLA policy page too: "saved" never stands beside "fields need a look"', async () => {
    const admin = await signInThroughPage(await newPage(), people.admin.email, TEST_PASSWORD)
    await admin.goto('/staff/settings/sla-policy')
    await submit(admin, 'Save policy', /^SLA policy saved\./)

    await admin.getByLabel('Holidays').fill('next tuesday')
    await submit(admin, 'Save policy', /needs? a look before the policy can be saved/)
    await expect.poll(() => admin.getByText(/^SLA policy saved\./).count(), { timeout: 5_000 }).toBe(0)
  })
})

describe('a long message', () => {
  it('is counted as it nears the limit, with the numbers as people read them', async () => {
    const family = await signInThroughPage(await newPage(), people.family.email, TEST_PASSWORD)
    await family.goto(`/orgs/${people.org.slug}/request`)
    const count = family.getByText(/of 20,000 characters/).filter({ visible: true })
    // Screen readers hear it once typing pauses.
    const heard = (text: string) => family.locator('[aria-live="polite"]', { hasText: text }).count()
    await family.getByLabel('Message').fill('Short and clear.')
    expect(await count.count()).toBe(0)
    // Line breaks count once, as the server counts them.
    const nearly = `${'x'.repeat(9_000)}\n${'y'.repeat(9_499)}`
    await family.getByLabel('Message').fill(nearly)
    await expect.poll(() => count.textContent()).toBe('18,500 of 20,000 characters')
    await family.getByLabel('Message').fill('z'.repeat(MESSAGE_MAX + 350))
    await expect.poll(() => count.textContent()).toBe('20,350 of 20,000 characters: 350 too many')
    await expect.poll(() => heard('20,350 of 20,000 characters: 350 too many')).toBe(1)
    await family.screenshot({ path: 'tests/.artifacts/character-count.png', fullPage: true })
  })

  it('without JavaScript: no count, and the server states the limit once it is passed, keeping the message', async () => {
    const family = await newPage({ javaScriptEnabled: false })
    await signInThroughPage(family, people.family.email, TEST_PASSWORD)
    await family.goto(`/orgs/${people.org.slug}/request`)
    const message = 'm'.repeat(MESSAGE_MAX + 1)
    await family.getByLabel('Type').selectOption({ label: 'General' })
    await family.getByLabel('Subject').fill('A very long account of what happened')
    await family.getByLabel('Message').fill(message)
    expect(await family.getByText(/of 20,000 characters/).count()).toBe(0)
    await submit(family, 'Send request', 'Keep the message to at most 20,000 characters')
    expect(await family.getByLabel('Message').inputValue()).toBe(message)
  })
})

describe('the request form, signed out, with an email that has an account', () => {
  async function fillRequest(page: Page, person: { name: string; email: string; password: string }) {
    await page.goto(`/orgs/${people.org.slug}/request`)
    await page.getByLabel('Your name').fill(person.name)
    await page.getByLabel('Email').fill(person.email)
    await page.getByLabel('Password').fill(person.password)
    await page.getByLabel('Type').selectOption({ label: 'DLA' })
    await page.getByLabel('Subject').fill('Help with the DLA renewal')
    await page.getByLabel("Child's name").fill('Robin')
    await page.getByLabel('Message').fill('The renewal form arrived today and is due in four weeks.')
  }

  async function expectTypedFieldsKept(page: Page, email: string) {
    expect(await page.getByLabel('Your name').inputValue()).toBe('Fran Family')
    expect(await page.getByLabel('Email').inputValue()).toBe(email)
    expect(await page.getByLabel('Type').inputValue()).toBe('dla')
    expect(await page.getByLabel('Subject').inputValue()).toBe('Help with the DLA renewal')
    expect(await page.getByLabel("Child's name").inputValue()).toBe('Robin')
    expect(await page.getByLabel('Message').inputValue()).toBe('The renewal form arrived today and is due in four weeks.')
  }

  for (const javaScriptEnabled of [true, false]) {
    it(`asks for that account's password, keeping every field, then sends the request from it (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const page = await newPage({ viewport: { width: 390, height: 844 }, javaScriptEnabled })
      const before = await stack.db.ticket.count({ where: { requesterId: people.family.id } })
      await fillRequest(page, { name: 'Fran Family', email: people.family.email, password: 'a new password of mine' })
      await submit(page, 'Send request', 'An account with this email already exists. If it is yours, enter its password')
      expect(new URL(page.url()).pathname).toBe(`/orgs/${people.org.slug}/request`)
      // The same words as the sign-in page for a wrong password.
      expect(await page.getByText('That email and password do not match an account.').count()).toBe(1)
      await expectTypedFieldsKept(page, people.family.email)
      // The server never sends a password back (with JavaScript the page keeps what was typed).
      if (!javaScriptEnabled) expect(await page.getByLabel('Password').inputValue()).toBe('')
      if (javaScriptEnabled) await page.screenshot({ path: 'tests/.artifacts/request-existing-account.png', fullPage: true })

      await page.getByLabel('Password').fill(TEST_PASSWORD)
      await submit(page, 'Send request', `Request sent to ${people.org.name}: you are signed in.`)
      expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/tickets/${people.org.slug}/\\d+$`))
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Help with the DLA renewal')
      expect(await page.getByText(`Request sent to ${people.org.name}: you are signed in.`).count()).toBe(1)
      expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1)
      expect(await stack.db.ticket.count({ where: { requesterId: people.family.id } })).toBe(before + 1)
    })
  }

  it('refuses a member of the team with the right password, keeping what they typed', async () => {
    const page = await newPage()
    await fillRequest(page, { name: 'Fran Family', email: people.advocate.email, password: TEST_PASSWORD })
    await submit(page, 'Send request', 'You are on this organisation’s team, so you cannot send it a request as a family.')
    await expectTypedFieldsKept(page, people.advocate.email)
    // Not signed in by the refusal.
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0)
  })
})

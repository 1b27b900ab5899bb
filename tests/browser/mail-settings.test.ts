/**
 * Mail settings on screen, without JavaScript: a family chooses in the app only
 * for replies (and the next reply sends them no mail); staff see their own
 * topics; an admin sees in Settings → Team whose address the mail server refuses.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, signedInPage } from '../support/browser.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let browser: Browser
const screenshots = process.env.CASEWAY_SCREENSHOTS

beforeAll(async () => {
  stack = await connectToStack()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

const signIn = (email: string, viewport: { width: number; height: number }) =>
  signedInPage(browser, stack.stack.webUrl, email, { viewport, javaScriptEnabled: false })

describe('email notifications in the account page', () => {
  it('a family sees the defaults, chooses in the app only for replies, and the choice is kept', async () => {
    const org = await createTestOrganisation(stack.db)
    const page = await signIn(org.family.email, { width: 390, height: 844 })
    await page.goto('/account#mail')
    const replies = page.getByLabel('Replies from your advocate')
    expect(await replies.inputValue()).toBe('immediately')
    expect(await page.getByLabel(/Changes to your request/).inputValue()).toBe('immediately')
    expect(await page.getByLabel('A ticket assigned to you').count()).toBe(0)
    await replies.selectOption('in_app')
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save email choices' }).click()])
    await page.getByText('Your email choices are saved.').waitFor()
    expect(await page.getByLabel('Replies from your advocate').inputValue()).toBe('in_app')
    const row = await stack.db.user.findUniqueOrThrow({ where: { id: org.family.id }, select: { mailChoices: true } })
    expect(row.mailChoices).toEqual({ replies: 'in_app', status: 'immediately' })
    if (screenshots) await page.screenshot({ path: `${screenshots}/account-mail-family.png`, fullPage: true })
  })

  it('staff choose among their own topics, with assignments and deadlines by email and the rest in the app by default', async () => {
    const org = await createTestOrganisation(stack.db)
    const page = await signIn(org.advocate.email, { width: 1366, height: 900 })
    await page.goto('/account')
    expect(await page.getByLabel('A ticket assigned to you').inputValue()).toBe('immediately')
    expect(await page.getByLabel(/Breached SLA targets/).inputValue()).toBe('immediately')
    expect(await page.getByLabel(/New requests/).inputValue()).toBe('in_app')
    expect(await page.getByLabel(/Family replies/).inputValue()).toBe('in_app')
    expect(await page.getByLabel('Replies from your advocate').count()).toBe(0)
    expect(await page.getByText(/Your digest comes at/).count()).toBe(0)

    // The digest: offered per topic, and once chosen the page says when the next one comes.
    await page.getByLabel(/Family replies/).selectOption({ label: 'By email, once a day in a digest' })
    await page.getByRole('button', { name: 'Save email choices' }).click()
    await page.getByText('Your email choices are saved.').waitFor()
    expect(await page.getByLabel(/Family replies/).inputValue()).toBe('daily_digest')
    await page.getByText(/^Your digest comes at 8:00 each morning; the next one on \d{1,2} [A-Z][a-z]+\.$/).waitFor()
  })
})

describe('Settings → Team', () => {
  it('shows the admin whose address the mail server refused, with its answer', async () => {
    const org = await createTestOrganisation(stack.db)
    await stack.db.user.update({
      where: { id: org.advocate.id },
      data: { mailProblem: '550 5.1.1 No such mailbox here', mailProblemAt: new Date() },
    })
    const page = await signIn(org.admin.email, { width: 1366, height: 900 })
    await page.goto('/staff/settings/team')
    await page.getByText(/Mail to this address is refused .*: 550 5\.1\.1 No such mailbox here/).waitFor()
    expect(await page.getByText(/Mail to this address is refused/).count()).toBe(1)
    if (screenshots) await page.screenshot({ path: `${screenshots}/team-mail-problem.png`, fullPage: true })
  })
})

/**
 * Inbound mail on screen, without JavaScript: staff open the original mail of a
 * reply that came by email (the family cannot), and a family whose address
 * refuses our mail is told so on their pages and shown how to fix it.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { replyAddress, signReplyToken } from '../../lib/mail/reply-token.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, signedInPage } from '../support/browser.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { sendToListener } from '../support/inbound-mail.ts'
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

describe('a reply that came by email', () => {
  it('staff open its original mail from the message; the family sees no link and gets 404 for it', async () => {
    const org = await createTestOrganisation(stack.db)
    const ticket = await createTicket(stack.context, {
      orgId: org.org.id,
      requesterId: org.family.id,
      subject: 'Answered by mail',
      type: 'ehcp',
      body: 'Please help with our EHCP.',
    })
    const secret = (await readFile(path.join(inject('stack').dataDir, 'inbound-token-secret'), 'utf8')).trim()
    const to = replyAddress(signReplyToken(secret, { ticketId: ticket.id, userId: org.family.id }), inject('stack').inboundDomain)
    await sendToListener({ from: org.family.email, to, subject: `Re: [#${ticket.number}]`, text: 'The panel meets on Friday.' })
    await eventually(
      async () => expect(await stack.db.inboundMail.count({ where: { ticketId: ticket.id, outcome: 'posted' } })).toBe(1),
      30_000,
    )

    const staff = await signIn(org.advocate.email, { width: 1366, height: 900 })
    await staff.goto(`/tickets/${org.org.slug}/${ticket.number}`)
    const link = staff.getByRole('link', { name: 'View original mail' })
    expect(await link.count()).toBe(1)
    if (screenshots) await staff.screenshot({ path: `${screenshots}/ticket-original-mail.png`, fullPage: true })
    const href = (await link.getAttribute('href'))!
    const original = await staff.request.get(href)
    expect(original.status()).toBe(200)
    expect(original.headers()['content-type']).toMatch(/^text\/plain/)
    expect(await original.text()).toContain('The panel meets on Friday.')

    const family = await signIn(org.family.email, { width: 390, height: 844 })
    await family.goto(`/tickets/${org.org.slug}/${ticket.number}`)
    await family.getByText('The panel meets on Friday.').waitFor()
    expect(await family.getByRole('link', { name: 'View original mail' }).count()).toBe(0)
    expect((await family.request.get(href)).status()).toBe(404)
  }, 90_000)
})

describe('a family whose address refuses our mail', () => {
  it('is told on their pages, sees how to fix it in Your account, and can say it is fixed', async () => {
    const org = await createTestOrganisation(stack.db)
    await stack.db.user.update({
      where: { id: org.family.id },
      data: { mailProblem: '552 5.2.2 Mailbox full', mailProblemAt: new Date() },
    })
    const page = await signIn(org.family.email, { width: 390, height: 844 })
    await page.goto('/my/tickets')
    await page.getByRole('heading', { name: 'Our emails to you are not arriving' }).waitFor()
    if (screenshots) await page.screenshot({ path: `${screenshots}/family-mail-fails-notice.png`, fullPage: true })
    await page.getByRole('link', { name: 'How to fix it' }).click()
    await page.waitForURL(/\/account/)
    await page.getByText('552 5.2.2 Mailbox full').waitFor()
    if (screenshots) await page.screenshot({ path: `${screenshots}/account-mail-problem.png`, fullPage: true })
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /I have fixed it/ }).click()])
    await page.getByText('our next email will try again').waitFor()
    expect(await page.getByRole('heading', { name: 'Our emails to you are not arriving' }).count()).toBe(0)
    expect(await stack.db.user.findUniqueOrThrow({ where: { id: org.family.id }, select: { mailProblem: true } })).toEqual({
      mailProblem: null,
    })
    // Staff never see the family's notice on their own pages.
    const staff = await signIn(org.advocate.email, { width: 1366, height: 900 })
    await staff.goto('/account')
    expect(await staff.getByRole('heading', { name: 'Our emails to you are not arriving' }).count()).toBe(0)
  }, 60_000)
})

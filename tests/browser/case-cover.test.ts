/**
 * Cover as a team meets it, in headless Chromium with JavaScript off against
 * the built portal: an admin adds a colleague as cover on the case's Team tab;
 * the colleague signs in, finds the case in My cases (its header names them as
 * cover, until when), opens its ticket and replies; the family reads the reply
 * and who is covering. The colleague is offered no close control, and a close
 * posted by hand is refused on the server. Screenshots at 1366 px.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../scripts/lib/paths.ts'
import { createUser } from '../../services/accounts.server.ts'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, signedInPage, submitAndFollow } from '../support/browser.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SHOTS = path.join(projectRoot, 'tests', '.artifacts', 'case-cover')

let stack: StackConnection
let browser: Browser

beforeAll(async () => {
  stack = await connectToStack()
  browser = await launchBrowser()
  await mkdir(SHOTS, { recursive: true })
})
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

const signIn = (email: string) => signedInPage(browser, stack.stack.webUrl, email, { javaScriptEnabled: false })

describe('cover on a case', () => {
  it('an admin adds a colleague as cover; they reply to the family, who is told; they cannot close the case', async () => {
    const org = await createTestOrganisation(stack.db)
    const { user: colleague } = await createUser(stack.db, {
      orgSlug: org.org.slug,
      role: 'staff',
      name: 'Chloe Cover',
      email: `staff-chloe-${org.org.slug}@test.example`,
      password: TEST_PASSWORD,
    })
    const subject = 'Help with Leo’s annual review'
    const ticket = await createTicket(stack.context, {
      orgId: org.org.id,
      requesterId: org.family.id,
      subject,
      type: 'ehcp',
      body: 'The review meeting is next week.',
      childName: 'Leo',
    })
    expect(await assign(stack.context, { ticket, actor: org.admin, assigneeId: org.advocate.id })).toMatchObject({ status: 'applied' })
    const kase = await eventually(async () => {
      const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { case: true } })
      expect(row.case).not.toBeNull()
      return row.case!
    })

    // The admin adds cover on the Team tab.
    const admin = await signIn(org.admin.email)
    await admin.goto(`/staff/cases/${kase.number}/team`)
    await admin.getByLabel('Cover advocate').selectOption(colleague.id)
    await admin.getByLabel('Last day of cover').fill('2099-01-12')
    await submitAndFollow(admin, 'Add cover')
    await admin.getByText('Cover added: they see the case and its tickets now.').waitFor()
    await admin.getByText('Cover: Chloe Cover until 12 January 2099').waitFor()
    await admin.screenshot({ path: `${SHOTS}/team-tab.png`, fullPage: true })

    // The colleague finds the case in My cases, marked as cover, and opens its ticket.
    const cover = await signIn(colleague.email)
    await cover.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click()
    await cover.getByRole('heading', { name: 'My cases' }).waitFor()
    await cover.getByRole('link', { name: kase.caseRef }).first().click()
    await cover.getByRole('heading', { name: `${kase.caseRef}: ${org.family.name}, for Leo` }).waitFor()
    await cover.getByText(`Advocate: ${org.advocate.name}`).waitFor()
    await cover.getByText('Cover: Chloe Cover until 12 January 2099').waitFor()
    await cover.getByRole('heading', { name: 'You are covering' }).waitFor()
    expect(await cover.getByRole('button', { name: 'Close the case' }).count()).toBe(0)
    expect(await cover.getByLabel('Why it is closing').count()).toBe(0)
    await cover.screenshot({ path: `${SHOTS}/cover-overview.png`, fullPage: true })

    await cover
      .getByRole('navigation', { name: 'Parts of the case' })
      .getByRole('link', { name: `#${ticket.number} ${subject}` })
      .click()
    const reply = 'I am covering for Sam this week: I will ring you tomorrow about the review.'
    await cover.getByLabel('Message').fill(reply)
    await submitAndFollow(cover, 'Send reply')
    await cover.getByText(/^Reply sent\./).waitFor()
    await cover.getByText(reply).waitFor()

    // A close posted by hand, from the colleague's own session and origin, is refused and changes nothing.
    const forged = await cover.request.post(`/staff/cases/${kase.number}?index`, {
      form: { intent: 'close-case', reason: 'Closing it myself' },
      headers: { Origin: stack.stack.webUrl },
      maxRedirects: 0,
    })
    expect(forged.status()).toBe(403)
    expect(await forged.text()).toContain('You are covering this case')
    expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id }, select: { status: true } })).toEqual({ status: 'intake' })

    // The family reads the reply and who is covering.
    const family = await signIn(org.family.email)
    await family.goto(`/tickets/${org.org.slug}/${ticket.number}`)
    await family.getByText(reply).waitFor()
    await family.getByText(`Chloe Cover is covering for ${org.advocate.name} until 12 January 2099.`).waitFor()
    await family.screenshot({ path: `${SHOTS}/family-ticket.png`, fullPage: true })
  })
})

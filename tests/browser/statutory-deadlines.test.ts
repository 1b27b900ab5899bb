/**
 * The Deadlines tab in headless Chromium against the built portal, with and
 * without JavaScript: the advocate records the day the request for assessment
 * was made and reads the council's deadlines in plain words, an overdue one
 * marked in words, and "LA overdue" on the case list, whose filter finds it;
 * then records an exception, after which the filter finds nothing.
 */
import { DateTime } from 'luxon'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { launchBrowser, newPortalPage, signInThroughPage, submitAndFollow } from '../support/browser.ts'
import { eventually } from '../support/eventually.ts'
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

async function leosCase() {
  const ticket = await createTicket(stack.context, {
    orgId: people.org.id,
    requesterId: people.family.id,
    subject: 'Assessment request for Leo',
    type: 'ehcp',
    body: 'We asked the council to assess Leo.',
    childName: 'Leo',
  })
  await assign(stack.context, { ticket, actor: people.admin, assigneeId: people.advocate.id })
  return await eventually(async () => {
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { case: { select: { number: true } } } })
    expect(row.case).not.toBeNull()
    return row.case!
  })
}

describe('the Deadlines tab', () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`records a request date and shows the deadlines in plain words (${javaScriptEnabled ? 'with' : 'without'} JavaScript)`, async () => {
      const kase = await leosCase()
      const page = await signInThroughPage(
        await newPortalPage(browser, stack.stack.webUrl, { javaScriptEnabled, viewport: { width: 1400, height: 1000 } }),
        people.advocate.email,
        TEST_PASSWORD,
      )
      await page.goto(`/staff/cases/${kase.number}/deadlines`)
      await page.getByText('No deadlines yet').waitFor()
      const requested = DateTime.now().setZone('Europe/London').minus({ weeks: 7 })
      await page.getByLabel('Request for an EHC needs assessment made', { exact: true }).fill(requested.toISODate()!)
      await page.getByRole('button', { name: 'Save: Request for an EHC needs assessment made' }).click()
      const by = requested.plus({ weeks: 6 }).setLocale('en-GB').toFormat('d MMMM yyyy')
      const sentence = `The council must decide whether to assess Leo by ${by} (6 weeks from the request on ${requested.setLocale('en-GB').toFormat('d MMMM yyyy')}; SEND Regulations 2014, reg. 5(1)).`
      await page.getByRole('listitem').getByText(sentence).waitFor()
      // Past already: flagged by the case workflow, and said in words, not colour alone.
      await page.getByText(`Overdue: the council missed ${by}`).waitFor()
      expect(
        await page
          .getByRole('listitem')
          .getByText(/The council must issue Leo’s final EHC plan by/)
          .count(),
      ).toBe(1)
      if (javaScriptEnabled) await page.screenshot({ path: '/tmp/statutory-shots/deadlines-recorded.png', fullPage: true })

      // The case list says so too, in words, and its "LA overdue only" filter finds the case.
      await page.goto('/staff/cases')
      const row = page.getByRole('row', { name: new RegExp(`CASE-${kase.number}\\b`) })
      await row.getByText('LA overdue', { exact: true }).waitFor()
      await page.getByLabel('LA overdue only').check()
      await submitAndFollow(page, 'Apply filters')
      expect(new URL(page.url()).searchParams.get('laOverdue')).toBe('1')
      await row.waitFor()
      await page.goto(`/staff/cases/${kase.number}/deadlines`)

      await page.getByLabel('Deadline', { exact: true }).selectOption('assessment_decision')
      await page.getByLabel('Reason', { exact: true }).selectOption('school_closed')
      await page.getByRole('button', { name: 'Record exception' }).click()
      await page.getByText('Exception recorded: The school was closed for 4 weeks or more.').waitFor()
      expect(await page.getByText(`Overdue: the council missed ${by}`).count()).toBe(0)
      await page.goto('/staff/cases?laOverdue=1')
      await page.getByText('No cases match these filters.').waitFor()
      if (!javaScriptEnabled) await page.screenshot({ path: '/tmp/statutory-shots/deadlines-exception.png', fullPage: true })
    })
  }
})

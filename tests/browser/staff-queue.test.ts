/**
 * The staff queue as staff meet it, in headless Chromium against the built
 * portal: it fits the screen at 1366, 1920 and 390 px (a table on wide screens,
 * cards on a phone), advocates land on their own tickets and admins on the
 * organisation's, the last chosen view is remembered, the landing page lists
 * requests nobody has taken, "Answered" shows and filters, the new columns
 * sort, and the ticket page says what "Next response (2)" counts.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assign, linkCase, postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { setWatching } from '../../services/watchers.server.ts'
import { launchBrowser, signInThroughPage } from '../support/browser.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let browser: Browser
let people: Awaited<ReturnType<typeof createTestOrganisation>>
const contexts: BrowserContext[] = []

const COLUMNS = ['No.', 'Subject', 'Family', 'Type', 'Team', 'Status', 'Priority', 'SLA', 'Assignee', 'Last update']
const SUBJECTS = {
  answered: 'We sent the council the evidence they asked for',
  replied: 'Our daughter’s annual review is next Tuesday',
  unassigned: 'The school says it cannot meet our son’s needs',
  watched: 'Tribunal bundle: the deadline is in two weeks',
  twoWaits: 'Questions about the draft plan, section by section',
}
const tickets = {} as Record<keyof typeof SUBJECTS, { id: string; orgId: string; number: number }>

const applied = async (result: Promise<{ status: string }>) => expect((await result).status).toBe('applied')

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  browser = await launchBrowser()
  const ctx = stack.context
  const [team] = await Promise.all([
    stack.db.department.create({ data: { orgId: people.org.id, slug: 'tribunals', name: 'Tribunals and appeals' }, select: { id: true } }),
    stack.db.user.update({ where: { id: people.family.id }, data: { name: 'Alexandra Montgomery-Fitzwilliam' } }),
  ])
  const open = (key: keyof typeof SUBJECTS) =>
    createTicket(ctx, {
      orgId: people.org.id,
      requesterId: people.family.id,
      departmentId: team.id,
      subject: SUBJECTS[key],
      type: 'tribunal',
      body: 'Please help.',
    }).then((t) => (tickets[key] = t))
  for (const key of Object.keys(SUBJECTS) as (keyof typeof SUBJECTS)[]) await open(key)
  const staff = { id: people.advocate.id }
  const family = { id: people.family.id }
  const reply = (key: keyof typeof SUBJECTS, by: 'staff' | 'family') =>
    applied(
      postMessage(ctx, {
        ticket: tickets[key],
        author: by === 'staff' ? staff : family,
        role: by,
        body: by === 'staff' ? 'Thank you, we are on it.' : 'Thank you, here is more.',
        visibility: 'public',
      }),
    )
  // Answered, with a case: the team's reply was the last word.
  await applied(assign(ctx, { ticket: tickets.answered, actor: staff, assigneeId: people.advocate.id }))
  await reply('answered', 'staff')
  await applied(linkCase(ctx, { ticket: tickets.answered, actor: staff, caseRef: 'CASE-1366' }))
  // Family replied after the team's answer.
  await reply('replied', 'staff')
  await reply('replied', 'family')
  // Assigned to the admin; the advocate watches it.
  await applied(assign(ctx, { ticket: tickets.watched, actor: { id: people.admin.id }, assigneeId: people.admin.id }))
  await setWatching(stack.db, {
    ticket: tickets.watched,
    userId: people.advocate.id,
    watching: true,
    actorId: people.advocate.id,
    via: 'portal',
  })
  // Two waits for a reply after the first response: "Next response (2)".
  await reply('twoWaits', 'staff')
  await reply('twoWaits', 'family')
  await reply('twoWaits', 'staff')
  await reply('twoWaits', 'family')
  // The read model catches up a moment after each update.
  await eventually(async () => {
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: tickets.replied.id }, select: { awaiting: true } })
    expect(row.awaiting).toBe('staff')
  })
})
afterAll(async () => {
  for (const context of contexts) await context.close()
  await browser?.close()
  await stack?.close()
})

async function newContext(width = 1366) {
  const context = await browser.newContext({ baseURL: stack.stack.webUrl, viewport: { width, height: 900 } })
  contexts.push(context)
  return context
}

async function signIn(email: string, context?: BrowserContext): Promise<Page> {
  const page = await signInThroughPage(await (context ?? (await newContext())).newPage(), email, TEST_PASSWORD)
  await page.waitForLoadState('networkidle')
  return page
}

/**
 * The subjects the queue lists (table or cards, whichever is on screen), not the landing page's panel.
 * After a navigation in the page its address changes a moment before it renders, so a test that has
 * just navigated polls for what the new list must show before reading it once more.
 */
async function listed(page: Page): Promise<string[]> {
  await page.waitForLoadState('networkidle')
  const table = page.getByRole('table')
  if (await table.isVisible()) return table.locator('tbody').getByRole('link').allTextContents()
  return page
    .getByRole('list', { name: /tickets, / })
    .getByRole('heading')
    .allTextContents()
}

async function viewShown(page: Page) {
  await page.waitForLoadState('networkidle')
  return page.getByRole('navigation', { name: 'Queue view' }).locator('[aria-current="page"]').textContent()
}

describe('the queue fits the screen', () => {
  it.each([1366, 1920])('at %i px: every column of the table is on screen, with no sideways scroll', async (width) => {
    const page = await signIn(people.admin.email, await newContext(width))
    await page.goto('/staff/tickets?view=all')
    const table = page.getByRole('table')
    for (const marker of ['Family replied', 'Answered', 'Case open']) await table.getByText(marker, { exact: true }).first().waitFor()
    for (const name of COLUMNS) {
      const box = (await table.getByRole('columnheader', { name }).boundingBox())!
      expect(box.x).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width).toBeLessThanOrEqual(width)
    }
    const widths = await page.evaluate(() => {
      const table = document.querySelector('table')!
      return { page: document.documentElement.scrollWidth, table: table.scrollWidth, around: table.parentElement!.clientWidth }
    })
    expect(widths.page).toBeLessThanOrEqual(width)
    expect(widths.table).toBeLessThanOrEqual(widths.around)
  })

  it('at 390 px: a card per ticket, each with its details, and the page does not scroll sideways', async () => {
    const page = await signIn(people.admin.email, await newContext(390))
    await page.goto('/staff/tickets?view=all')
    expect(await page.getByRole('table').count()).toBe(0)
    const cards = page.getByRole('list', { name: /All tickets, All open/ }).getByRole('listitem')
    expect(await cards.count()).toBe(Object.keys(SUBJECTS).length)
    for (const card of await cards.all()) {
      const box = (await card.boundingBox())!
      expect(box.x).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width).toBeLessThanOrEqual(390)
      for (const label of ['Family', 'Type', 'Team', 'Priority', 'Assignee'])
        expect(await card.getByText(label, { exact: true }).count()).toBe(1)
    }
    const answered = cards.filter({ hasText: SUBJECTS.answered })
    expect(await answered.getByText('Answered', { exact: true }).isVisible()).toBe(true)
    expect(await answered.getByText('Case open', { exact: true }).isVisible()).toBe(true)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    // The sorts are links above the cards.
    await page.getByRole('navigation', { name: 'Sort tickets' }).getByRole('link', { name: 'Family' }).click()
    await page.waitForURL(/sort=family&dir=asc/)
  })
})

describe('where staff land', () => {
  it('an advocate lands on their own tickets (assigned or watched), the organisation’s one click away; the choice is remembered', async () => {
    const context = await newContext()
    const page = await signIn(people.advocate.email, context)
    expect(new URL(page.url()).pathname).toBe('/staff/tickets')
    expect(await viewShown(page)).toBe('My tickets')
    const mine = await listed(page)
    expect(mine).toEqual(expect.arrayContaining([SUBJECTS.answered, SUBJECTS.replied, SUBJECTS.watched, SUBJECTS.twoWaits]))
    expect(mine).not.toContain(SUBJECTS.unassigned)

    await page.getByRole('navigation', { name: 'Queue view' }).getByRole('link', { name: 'All tickets' }).click()
    await page.waitForURL(/view=all/)
    await expect.poll(() => listed(page)).toContain(SUBJECTS.unassigned)
    // The header's "Ticket queue" link opens on the view last chosen, now and in a later visit.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ticket queue' }).click()
    await page.waitForURL((url) => url.search === '')
    expect(await viewShown(page)).toBe('All tickets')
    const later = await context.newPage()
    await later.goto('/staff/tickets')
    expect(await viewShown(later)).toBe('All tickets')

    await later.getByRole('navigation', { name: 'Queue view' }).getByRole('link', { name: 'My tickets' }).click()
    await later.waitForURL(/view=mine/)
    await later.goto('/staff/tickets')
    expect(await viewShown(later)).toBe('My tickets')
  })

  it('an admin lands on the organisation’s tickets', async () => {
    const page = await signIn(people.admin.email)
    expect(new URL(page.url()).pathname).toBe('/staff/tickets')
    expect(await viewShown(page)).toBe('All tickets')
    expect(await listed(page)).toContain(SUBJECTS.unassigned)
  })

  it('the landing page lists the new and unassigned requests, each a link, and links to all of them in the queue', async () => {
    const page = await signIn(people.advocate.email)
    const panel = page.getByRole('region', { name: 'New and unassigned requests' })
    const requests = await panel.getByRole('list').getByRole('link').allTextContents()
    expect(requests).toContain(SUBJECTS.unassigned)
    expect(requests).not.toContain(SUBJECTS.answered)
    await panel.getByRole('link', { name: /See them in the queue|See all \d+ in the queue/ }).click()
    await page.waitForURL(/view=all&assignee=unassigned/)
    await expect.poll(() => listed(page)).not.toContain(SUBJECTS.answered)
    expect(await listed(page)).toContain(SUBJECTS.unassigned)
    // The panel belongs to the landing page, not to a filtered list.
    expect(await page.getByRole('region', { name: 'New and unassigned requests' }).count()).toBe(0)
  })
})

describe('markers, filters and sorts', () => {
  it('shows "Answered" in the queue and on the ticket, and filters by it and by "Family replied"', async () => {
    const page = await signIn(people.advocate.email)
    await page.goto('/staff/tickets?view=all')
    const row = page.getByRole('row').filter({ hasText: SUBJECTS.answered })
    expect(await row.getByText('Answered', { exact: true }).count()).toBe(1)

    await page.getByLabel('Last reply').selectOption({ label: 'Answered' })
    await Promise.all([page.waitForURL(/reply=staff/), page.getByRole('button', { name: 'Apply filters' }).click()])
    await expect.poll(() => listed(page)).not.toContain(SUBJECTS.replied)
    const answered = await listed(page)
    expect(answered).toContain(SUBJECTS.answered)
    expect(answered).not.toContain(SUBJECTS.unassigned)

    await page.getByLabel('Last reply').selectOption({ label: 'Family replied' })
    await Promise.all([page.waitForURL(/reply=family/), page.getByRole('button', { name: 'Apply filters' }).click()])
    await expect.poll(() => listed(page)).toContain(SUBJECTS.replied)
    const replied = await listed(page)
    expect(replied).toEqual(expect.arrayContaining([SUBJECTS.replied, SUBJECTS.twoWaits]))
    expect(replied).not.toContain(SUBJECTS.answered)

    await page.goto(`/tickets/${people.org.slug}/${tickets.answered.number}`)
    await expect.poll(() => page.getByRole('status').textContent()).toContain('In progress')
    expect(await page.getByText('Answered', { exact: true }).count()).toBe(1)
    expect(await page.getByText('Family replied', { exact: true }).count()).toBe(0)
  })

  it('sorts by family, type, team, status and assignee from their headers, both ways', async () => {
    const page = await signIn(people.admin.email)
    await page.goto('/staff/tickets?view=all')
    for (const [name, sort] of [
      ['Family', 'family'],
      ['Type', 'type'],
      ['Team', 'department'],
      ['Status', 'status'],
      ['Assignee', 'assignee'],
    ]) {
      const header = () => page.getByRole('columnheader', { name })
      await Promise.all([page.waitForURL(new RegExp(`sort=${sort}&dir=asc`)), header().getByRole('link').click()])
      await expect.poll(() => header().getAttribute('aria-sort')).toBe('ascending')
      await Promise.all([page.waitForURL(new RegExp(`sort=${sort}&dir=desc`)), header().getByRole('link').click()])
      await expect.poll(() => header().getAttribute('aria-sort')).toBe('descending')
    }
    // Assignee, Z to A: unassigned first, then Sam Advocate's, then Ada Admin's.
    const assignees = await page.getByRole('row').locator('td:nth-child(10)').allTextContents()
    expect(assignees.map((a) => a.replace(' (you)', ''))).toEqual([
      'Unassigned',
      'Sam Advocate',
      'Sam Advocate',
      'Sam Advocate',
      'Ada Admin',
    ])
  })

  it('says what the count in "Next response (2)" is', async () => {
    const page = await signIn(people.advocate.email)
    await page.goto(`/tickets/${people.org.slug}/${tickets.twoWaits.number}`)
    const targets = page.getByRole('region', { name: 'Service level targets' })
    const row = targets.getByRole('row').filter({ hasText: 'Next response (2)' })
    await row.waitFor()
    expect(await row.textContent()).toContain('the 2nd time the family wrote back and waits for a reply')
  })
})

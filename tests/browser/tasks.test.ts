/**
 * Tasks in headless Chromium with JavaScript off: the ticket page's Tasks card
 * adds a task, and the owner's board shows it under To do, moves it to Doing by
 * a plain form, and says "Overdue" in words.
 */
import { mkdir } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTicketTask } from '../../services/tasks.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { eventually } from '../support/eventually.ts'
import { launchBrowser, signedInPage, submitAndFollow } from '../support/browser.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SHOTS = 'tests/.artifacts/tasks'

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

describe('tasks', () => {
  it('are added on the ticket page and moved on the owner’s board, overdue said in words', async () => {
    const org = await createTestOrganisation(stack.db)
    const ticket = await createTicket(stack.context, {
      orgId: org.org.id,
      requesterId: org.family.id,
      subject: 'School transport',
      type: 'ehcp',
      body: 'Help.',
    })
    const overdue = await createTicketTask(stack.context, {
      actorId: org.advocate.id,
      via: 'cli',
      ticket,
      title: 'Ring the transport team',
      ownerId: org.advocate.id,
      dueAt: new Date(Date.now() - 60_000),
    })
    expect(overdue.status).toBe('changed')
    await eventually(async () =>
      expect((await stack.db.task.findFirstOrThrow({ where: { ticketId: ticket.id, title: 'Ring the transport team' } })).overdue).toBe(
        true,
      ),
    )

    const page = await signedInPage(browser, stack.stack.webUrl, org.advocate.email, {
      viewport: { width: 1366, height: 900 },
      javaScriptEnabled: false,
    })
    await page.goto(`/tickets/${org.org.slug}/${ticket.number}`)
    await page.getByLabel('Add a task').fill('Send the bus pass form')
    await page.getByLabel('Owner').selectOption({ label: 'Sam Advocate' })
    await submitAndFollow(page, 'Add task')
    const card = page.getByRole('region', { name: 'Tasks' }).or(page.locator('[aria-labelledby="tasks-heading"]'))
    expect(await card.getByText('Send the bus pass form', { exact: true }).isVisible()).toBe(true)
    await card.screenshot({ path: `${SHOTS}/ticket-card.png` })

    await page.goto(`/staff/tasks?org=${org.org.slug}`)
    const todo = page.getByRole('list', { name: 'To do tasks' })
    expect(await todo.getByText('Send the bus pass form', { exact: true }).isVisible()).toBe(true)
    expect(await todo.getByText('Overdue', { exact: true }).isVisible()).toBe(true)
    await submitAndFollow(page, 'Move “Send the bus pass form” to Doing')
    expect(await page.getByRole('list', { name: 'Doing tasks' }).getByText('Send the bus pass form', { exact: true }).isVisible()).toBe(
      true,
    )
    await page.screenshot({ path: `${SHOTS}/board.png`, fullPage: true })
  })
})

/**
 * Capacity and the case's team tab in headless Chromium with JavaScript off:
 * triage shows an advocate at capacity in words and refuses them without the
 * override; with "Override capacity" ticked the admin assigns anyway. The
 * case's team tab shows its handover note and the reassign forms.
 */
import { mkdir } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setMemberCapacity } from '../../services/capacity.server.ts'
import { writeHandoverNote } from '../../services/case-handovers.server.ts'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { eventually } from '../support/eventually.ts'
import { launchBrowser, signedInPage } from '../support/browser.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SHOTS = 'tests/.artifacts/capacity'

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

const signIn = (email: string, viewport = { width: 1366, height: 900 }) =>
  signedInPage(browser, stack.stack.webUrl, email, { viewport, javaScriptEnabled: false })

describe('capacity in triage', () => {
  it('shows "At capacity", refuses without the override and assigns with it; the team tab shows the handover note', async () => {
    const org = await createTestOrganisation(stack.db)
    const membership = await stack.db.membership.findFirstOrThrow({ where: { orgId: org.org.id, userId: org.advocate.id } })
    await setMemberCapacity(stack.db, {
      orgId: org.org.id,
      membershipId: membership.id,
      caseCapacity: 1,
      specialisms: ['tribunal'],
      actorId: null,
      via: 'cli',
    })
    const first = await createTicket(stack.context, {
      orgId: org.org.id,
      requesterId: org.family.id,
      subject: 'First',
      type: 'ehcp',
      body: 'One.',
    })
    await assign(stack.context, { ticket: first, actor: org.admin, assigneeId: org.advocate.id })
    const kase = await eventually(async () => {
      const found = await stack.db.case.findFirst({ where: { orgId: org.org.id, advocateId: org.advocate.id } })
      expect(found).not.toBeNull()
      return found!
    })
    await writeHandoverNote(stack.db, {
      orgId: org.org.id,
      caseId: kase.id,
      author: { id: org.advocate.id },
      via: 'cli',
      toId: null,
      note: 'Away next week: the family prefer email.',
    })
    const waiting = await createTicket(stack.context, {
      orgId: org.org.id,
      requesterId: org.otherFamily.id,
      subject: 'Tribunal bundle help',
      type: 'tribunal',
      body: 'Our hearing is in May.',
    })

    const admin = await signIn(org.admin.email)
    await admin.goto('/staff/triage')
    const caseloads = admin.getByRole('region', { name: 'Caseloads' }).or(admin.locator('[aria-labelledby="caseload-heading"]'))
    await expect.poll(() => caseloads.getByText('At capacity', { exact: true }).count()).toBe(1)
    await expect.poll(() => caseloads.getByText('1 of 1 case').count()).toBe(1)
    const card = admin.locator('li', { has: admin.getByRole('heading', { name: 'Tribunal bundle help' }) })
    await expect.poll(() => card.getByText('Specialises in Tribunal: Sam Advocate.').count()).toBe(1)
    await admin.screenshot({ path: `${SHOTS}/triage.png`, fullPage: true })

    const assignee = card.getByLabel('Assign to')
    await assignee.selectOption({ label: 'Sam Advocate · 1 of 1 case · At capacity: override needed · specialises in Tribunal' })
    await Promise.all([admin.waitForNavigation(), card.getByRole('button', { name: 'Assign', exact: true }).click()])
    await expect.poll(() => admin.getByText('Sam Advocate is at capacity (1 of 1 case)', { exact: false }).count()).toBeGreaterThan(0)
    expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: waiting.id } })).assigneeId).toBeNull()

    const again = admin.locator('li', { has: admin.getByRole('heading', { name: 'Tribunal bundle help' }) })
    await again
      .getByLabel('Assign to')
      .selectOption({ label: 'Sam Advocate · 1 of 1 case · At capacity: override needed · specialises in Tribunal' })
    await again.getByLabel('Override capacity').check()
    await Promise.all([admin.waitForNavigation(), again.getByRole('button', { name: 'Assign', exact: true }).click()])
    await eventually(async () =>
      expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: waiting.id } })).assigneeId).toBe(org.advocate.id),
    )

    await admin.goto(`/staff/cases/${kase.number}/team`)
    await expect.poll(() => admin.getByText('Away next week: the family prefer email.').count()).toBe(1)
    await expect.poll(() => admin.getByRole('button', { name: 'Reassign everything Sam Advocate holds' }).count()).toBe(1)
    await admin.screenshot({ path: `${SHOTS}/team-tab.png`, fullPage: true })
  })
})

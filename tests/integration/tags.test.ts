/**
 * Tags on the real stack: one tag per case-folded name ("welsh la" joins
 * "Welsh LA"), each change audited and on the ticket's timeline, renaming and
 * merging everywhere, the queue's tag filter and its counts, who may do what
 * (portal and API, for each kind of person), that families never see a tag,
 * and that at 100,000 tickets the tag filter reads through an index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Prisma } from '../../generated/prisma/client.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { parseQueueQuery, queuePage, queueSql } from '../../services/queue.server.ts'
import { addTicketTag, mergeTags, organisationTags, renameTag, ticketTags } from '../../services/tags.server.ts'
import { postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import * as tagSettings from '../../web/app/routes/staff.settings.tags.tsx'
import * as queue from '../../web/app/routes/staff.tickets.tsx'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { eventually } from '../support/eventually.ts'
import { createDepartmentsWithRestrictedAdvocate, createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { caughtMailTo } from '../support/mail-catcher.ts'
import { PortalClient, signInOver } from '../support/portal-client.ts'
import { routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'
import { apiClient } from '../support/api-client.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
let keyA: string
let keyB: string
/** In Tribunals; the restricted advocate works only Annual reviews. */
let ticket: { id: string; orgId: string; number: number }
let other: { id: string; orgId: string; number: number }
let restricted: { id: string; email: string }

const portal = { actorId: null, via: 'cli' } as const

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  const departments = await createDepartmentsWithRestrictedAdvocate(stack.db, a.org)
  const { tribunals } = departments
  restricted = departments.restricted
  const request = { orgId: a.org.id, requesterId: a.family.id, departmentId: tribunals.id, type: 'tribunal' as const }
  ticket = await createTicket(stack.context, { ...request, subject: 'Hearing bundle', body: 'Our hearing is in May.' })
  other = await createTicket(stack.context, { ...request, subject: 'Appeal deadline', body: 'The letter came today.' })
  keyA = (await createApiKey(stack.db, { orgId: a.org.id, name: 'Tags', createdById: a.admin.id, via: 'cli' })).key
  keyB = (await createApiKey(stack.db, { orgId: b.org.id, name: 'Tags', createdById: b.admin.id, via: 'cli' })).key
}, 120_000)
afterAll(async () => {
  await stack?.close()
})

const page = (t = ticket) => `/tickets/${a.org.slug}/${t.number}`
const params = (t = ticket) => ({ orgSlug: a.org.slug, number: String(t.number) })
const names = async (t = ticket) => (await ticketTags(stack.db, t.id)).map((tag) => tag.name)

const api = (...call: Parameters<ReturnType<typeof apiClient>>) => apiClient(stack.stack.webUrl)(...call)

describe('tags on a ticket', () => {
  it('joins names that differ only in case or spacing, and audits each change', async () => {
    const first = await addTicketTag(stack.db, { ticket, name: '  Welsh   LA ', actorId: a.advocate.id, via: 'portal' })
    expect(first).toMatchObject({ added: true, tag: { name: 'Welsh LA' } })
    const again = await addTicketTag(stack.db, { ticket, name: 'welsh la', actorId: a.admin.id, via: 'portal' })
    expect(again).toEqual({ added: false, tag: first.tag })
    await addTicketTag(stack.db, { ticket: other, name: 'WELSH LA', actorId: a.admin.id, via: 'portal' })
    expect((await organisationTags(stack.db, a.org.id)).filter((t) => t.name === 'Welsh LA')).toEqual([
      { id: first.tag.id, name: 'Welsh LA', tickets: 2 },
    ])
    const audits = await stack.db.auditEvent.findMany({ where: { orgId: a.org.id, action: 'tag.added' } })
    expect(audits).toHaveLength(2)
  })

  it('is added and removed from the ticket page, with suggestions, and says so on the timeline', async () => {
    await addTicketTag(stack.db, { ticket: other, name: 'Tribunal prep', ...portal })
    const before = (await calls.load(ticketPage, a.advocate, page(), params())).data as { tagSuggestions: string[] }
    expect(before.tagSuggestions).toContain('Tribunal prep')
    expect(before.tagSuggestions).not.toContain('Welsh LA')

    const added = await calls.act(ticketPage, a.advocate, page(), { intent: 'add-tag', name: 'tribunal PREP' }, params())
    expect(added.status).toBe(302)
    expect(await names()).toEqual(['Tribunal prep', 'Welsh LA'])
    const tag = (await ticketTags(stack.db, ticket.id)).find((t) => t.name === 'Tribunal prep')!
    expect((await calls.act(ticketPage, a.advocate, page(), { intent: 'remove-tag', tagId: tag.id }, params())).status).toBe(302)
    expect(await names()).toEqual(['Welsh LA'])

    const after = (await calls.load(ticketPage, a.advocate, page(), params())).data as { timeline: { text: string }[] }
    const lines = after.timeline.map((line) => line.text)
    expect(lines).toEqual(expect.arrayContaining(['Sam Advocate tagged it Tribunal prep', 'Sam Advocate removed the tag Tribunal prep']))
    // In the order they happened, after the ticket was opened.
    expect(lines[0]).toBe('Request received')
    expect(lines.indexOf('Sam Advocate tagged it Tribunal prep')).toBeLessThan(lines.indexOf('Sam Advocate removed the tag Tribunal prep'))
  })

  it('refuses a blank, overlong or control-character name with a message', async () => {
    for (const name of ['   ', 'x'.repeat(61), 'Welsh\u0007LA', 'tab\there']) {
      const answer = await calls.act(ticketPage, a.advocate, page(), { intent: 'add-tag', name }, params())
      expect(answer.status, JSON.stringify(name)).toBe(400)
      expect((answer.data as { fieldErrors: Record<string, string[]> }).fieldErrors.name?.length).toBeGreaterThan(0)
    }
  })
})

describe('renaming and merging', () => {
  it('renames a tag everywhere, refusing a name another tag has', async () => {
    const { tag } = await addTicketTag(stack.db, { ticket, name: 'Annual review 2025', ...portal })
    await addTicketTag(stack.db, { ticket: other, name: 'Annual review 2026', ...portal })
    expect(await renameTag(stack.db, { orgId: a.org.id, tagId: tag.id, name: 'annual review 2026', ...portal })).toMatchObject({
      status: 'taken',
    })
    expect(await renameTag(stack.db, { orgId: b.org.id, tagId: tag.id, name: 'Elsewhere', ...portal })).toEqual({ status: 'not_found' })
    const renamed = await calls.act(tagSettings, a.admin, '/staff/settings/tags', {
      intent: 'rename-tag',
      tagId: tag.id,
      name: 'Review 2025',
    })
    expect(renamed.status).toBe(302)
    expect(await names()).toContain('Review 2025')
    expect(await stack.db.auditEvent.count({ where: { orgId: a.org.id, action: 'tag.renamed' } })).toBe(1)
  })

  it('merges one tag into another in one go: each ticket keeps one, the merged tag is gone', async () => {
    const from = await addTicketTag(stack.db, { ticket, name: 'Tribunal', ...portal })
    await addTicketTag(stack.db, { ticket: other, name: 'Tribunal', ...portal })
    const into = (await addTicketTag(stack.db, { ticket: other, name: 'Tribunal prep', ...portal })).tag
    const merged = await calls.act(tagSettings, a.admin, '/staff/settings/tags', {
      intent: 'merge-tag',
      tagId: from.tag.id,
      intoId: into.id,
    })
    expect(merged.status).toBe(302)
    expect(await names()).toContain('Tribunal prep')
    expect(await names(other)).toEqual(expect.arrayContaining(['Tribunal prep']))
    expect((await names(other)).filter((n) => n.startsWith('Tribunal'))).toEqual(['Tribunal prep'])
    expect(await stack.db.tag.findUnique({ where: { id: from.tag.id } })).toBeNull()
    const audit = await stack.db.auditEvent.findFirstOrThrow({ where: { orgId: a.org.id, action: 'tag.merged' } })
    expect(audit.data).toMatchObject({ from: 'Tribunal', name: 'Tribunal prep', moved: 1 })
    expect(await mergeTags(stack.db, { orgId: a.org.id, fromId: into.id, intoId: into.id, ...portal })).toEqual({ status: 'same' })
  })
})

describe('the queue', () => {
  it('filters by tag, shows each ticket’s tags, and counts only the tagged tickets', async () => {
    const { tag } = await addTicketTag(stack.db, { ticket: other, name: 'Only other', ...portal })
    const answer = await calls.load(queue, a.admin, `/staff/tickets?view=all&org=${a.org.slug}&tag=${tag.id}`)
    const data = answer.data as {
      tickets: { number: number; tags: string[] }[]
      tabs: { key: string; count: number }[]
      tags: { value: string; label: string }[]
    }
    expect(data.tickets.map((t) => t.number)).toEqual([other.number])
    expect(data.tickets[0]!.tags).toContain('Only other')
    expect(data.tabs.find((t) => t.key === 'open')!.count).toBe(1)
    expect(data.tags).toContainEqual({ value: tag.id, label: 'Only other' })
    const unfiltered = (await calls.load(queue, a.admin, `/staff/tickets?view=all&org=${a.org.slug}`)).data as typeof data
    expect(unfiltered.tabs.find((t) => t.key === 'open')!.count).toBe(2)
  })

  it('lists tickets by tag through the API, with their tags', async () => {
    const listed = await api(keyA, 'GET', '/tickets?tag=only%20OTHER')
    expect(listed.status).toBe(200)
    expect(listed.body.tickets.map((t: { number: number }) => t.number)).toEqual([other.number])
    expect(listed.body.tickets[0].tags).toContain('Only other')
    expect((await api(keyB, 'GET', '/tickets?tag=only%20other')).body.tickets).toEqual([])
  })
})

type Who = 'family' | 'advocate' | 'restricted' | 'admin' | 'otherOrganisation'
const WHO: readonly Who[] = ['family', 'advocate', 'restricted', 'admin', 'otherOrganisation']
const person = (who: Who) =>
  ({ family: a.family, advocate: a.advocate, restricted, admin: a.admin, otherOrganisation: b.admin })[who] as { id: string; email: string }

describe.each(WHO)('permissions: %s', (who) => {
  /** Staff who see the ticket get through; its family is refused (403); others are told it is not there (404). */
  const onTicket = { family: 403, advocate: 302, restricted: 404, admin: 302, otherOrganisation: 404 }[who]

  it('adds and removes a tag on the ticket page only when they may', async () => {
    const name = `Perm ${who}`
    expect((await calls.act(ticketPage, person(who), page(), { intent: 'add-tag', name }, params())).status).toBe(onTicket)
    const { tag } = await addTicketTag(stack.db, { ticket, name, ...portal })
    expect((await calls.act(ticketPage, person(who), page(), { intent: 'remove-tag', tagId: tag.id }, params())).status).toBe(onTicket)
    expect((await names()).includes(name)).toBe(onTicket !== 302)
  })

  it('keeps the organisation’s tags in Settings only for its admins', async () => {
    const { tag } = await addTicketTag(stack.db, { ticket, name: `Settings ${who}`, ...portal })
    const loaded = await calls.load(tagSettings, person(who), `/staff/settings/tags?org=${a.org.slug}`)
    // Another organisation's admin is told there is no such organisation here.
    const expected = { family: 403, advocate: 403, restricted: 403, admin: 200, otherOrganisation: 404 }[who]
    expect(loaded.status).toBe(expected)
    const renamed = await calls.act(tagSettings, person(who), '/staff/settings/tags', {
      intent: 'rename-tag',
      tagId: tag.id,
      name: `Renamed ${who}`,
    })
    // Their own settings page finds no tag of that id in their organisation.
    expect(renamed.status).toBe({ family: 403, advocate: 403, restricted: 403, admin: 302, otherOrganisation: 404 }[who])
  })

  it('tags and untags through the API as actor only when they may see the ticket', async () => {
    const actor = { email: person(who).email }
    const name = `Api ${who}`
    // Not on the organisation's staff: refused as an actor; staff who do not see the ticket: not there.
    const expected = { family: 422, advocate: 201, restricted: 404, admin: 201, otherOrganisation: 422 }[who]
    const added = await api(keyA, 'POST', `/tickets/${ticket.number}/tags`, { name, actor })
    expect(added.status).toBe(expected)
    const removed = await api(keyA, 'DELETE', `/tickets/${ticket.number}/tags/${encodeURIComponent(name)}?actor=${actor.email}`)
    expect(removed.status).toBe(expected === 201 ? 200 : expected)
    // Another organisation's key: the ticket is not there.
    expect((await api(keyB, 'POST', `/tickets/${ticket.number}/tags`, { name })).status).toBe(
      (await stack.db.ticket.count({ where: { orgId: b.org.id, number: ticket.number } })) ? 201 : 404,
    )
  })
})

describe('the API', () => {
  it('adds idempotently by name, removes idempotently, and lists the organisation’s tags only', async () => {
    const first = await api(keyA, 'POST', `/tickets/${ticket.number}/tags`, { name: 'Api twice' })
    expect(first.status).toBe(201)
    const second = await api(keyA, 'POST', `/tickets/${ticket.number}/tags`, { name: ' api   TWICE ' })
    expect(second).toMatchObject({ status: 200, body: { tag: { name: 'Api twice' } } })
    expect(second.body.tags.filter((n: string) => n === 'Api twice')).toHaveLength(1)
    const read = await api(keyA, 'GET', `/tickets/${ticket.number}`)
    expect(read.body.ticket.tags).toContain('Api twice')
    expect((await api(keyA, 'DELETE', `/tickets/${ticket.number}/tags/API%20twice`)).body.tags).not.toContain('Api twice')
    expect((await api(keyA, 'DELETE', `/tickets/${ticket.number}/tags/API%20twice`)).status).toBe(200)
    const listA = await api(keyA, 'GET', '/tags')
    expect(listA.body.tags.map((t: { name: string }) => t.name)).toContain('Welsh LA')
    expect((await api(keyB, 'GET', '/tags')).body.tags).toEqual([])
    expect((await api(keyA, 'POST', `/tickets/${ticket.number}/tags`, { name: 'a\u0000b' })).status).toBe(400)
  })
})

describe('families', () => {
  it('never see a tag: not in their page’s HTML, not in their loader data, not in their mail', async () => {
    await addTicketTag(stack.db, { ticket, name: 'Secret label', ...portal })
    const client = new PortalClient(stack.stack.webUrl)
    expect((await signInOver(client, a.family.email, TEST_PASSWORD)).status).toBe(302)
    const html = (await client.get(page())).body
    expect(html).toContain('Hearing bundle')
    expect(html).not.toContain('Secret label')
    expect(html).not.toContain('Welsh LA')
    const data = (await calls.load(ticketPage, a.family, page(), params())).data as Record<string, unknown>
    expect(JSON.stringify(data)).not.toMatch(/Secret label|Welsh LA|"tags"/)

    const sent = await postMessage(stack.context, {
      ticket,
      author: a.advocate,
      role: 'staff',
      body: 'We have your bundle.',
      visibility: 'public',
    })
    expect(sent.status).toBe('applied')
    const mail = await eventually(async () => {
      const found = (await caughtMailTo(a.family.email)).filter((m) => m.subject.startsWith(`[#${ticket.number}]`))
      expect(found.length).toBeGreaterThan(0)
      return found
    }, 30_000)
    for (const m of mail) expect(`${m.subject}${m.text}${m.html}`).not.toMatch(/Secret label|Welsh LA/)
  })
})

describe('at 100,000 tickets', () => {
  let big: Awaited<ReturnType<typeof createTestOrganisation>>
  const tagIds = { rare: '', common: '' }
  beforeAll(async () => {
    big = await createTestOrganisation(stack.db)
    const department = (await stack.db.organisation.findUniqueOrThrow({ where: { id: big.org.id } })).defaultDepartmentId!
    await stack.db.$executeRaw`
      INSERT INTO "Ticket" (id, "orgId", number, "requesterId", subject, type, status, "departmentId", "lastActivityAt", "stateVersion")
      SELECT gen_random_uuid(), ${big.org.id}::uuid, g, ${big.family.id}::uuid, 'Ticket ' || g, 'general',
             (ARRAY['new','in_progress','pending_family','resolved','closed'])[1 + g % 5]::"TicketStatus",
             ${department}::uuid, timestamp '2026-01-01' + (g || ' minutes')::interval, 1
      FROM generate_series(1, 100000) g`
    for (const [kind, every] of [
      ['rare', 997],
      ['common', 5],
    ] as const) {
      const made = await stack.db.tag.create({ data: { orgId: big.org.id, name: kind, key: kind }, select: { id: true } })
      tagIds[kind] = made.id
      await stack.db.$executeRaw`
        INSERT INTO "TicketTag" ("ticketId", "tagId") SELECT t."id", ${made.id}::uuid FROM "Ticket" t
        WHERE t."orgId" = ${big.org.id}::uuid AND t."number" % ${every} = 0`
    }
    await stack.db.$executeRaw`VACUUM ANALYZE "Ticket"`
    await stack.db.$executeRaw`VACUUM ANALYZE "TicketTag"`
  }, 240_000)

  async function plan(search: string) {
    const query = parseQueueQuery(new URLSearchParams(search))
    const input = { orgId: big.org.id, userId: big.admin.id, scope: { kind: 'all' } as const, query }
    const page = await queuePage(stack.context, input)
    const { rows, counts } = queueSql({ ...input, fewMatches: page.counts[query.tab] <= 2000 })
    const explain = async (sql: Prisma.Sql) =>
      (await stack.db.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`))
        .map((l) => l['QUERY PLAN'])
        .join('\n')
    return { page, rowsPlan: await explain(rows), countsPlan: await explain(counts) }
  }

  it.each(['rare', 'common'] as const)('reads a %s tag’s page and counts through indexes, without scanning the tickets', async (kind) => {
    const { page, rowsPlan, countsPlan } = await plan(`view=all&tag=${tagIds[kind]}`)
    // About 60 open tickets carry the rare tag, 12,000 the common one: a full page either way.
    expect(page.rows.length).toBe(50)
    expect(page.rows.every((row) => row.tags.includes(kind))).toBe(true)
    for (const text of [rowsPlan, countsPlan]) {
      expect(text).not.toMatch(/Seq Scan on "Ticket"/)
    }
    // A common tag is most of this table's rows, so reading it whole is right; a rare one is found through its index.
    if (kind === 'rare') expect(rowsPlan + countsPlan).toMatch(/TicketTag_tagId_ticketId_idx/)
  })
})

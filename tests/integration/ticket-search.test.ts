/**
 * Search that finds what was said, against the real stack: staff find a ticket
 * by words of its messages and internal notes, its child, case reference and
 * tags, with the passage shown; a family finds their own by what was said to
 * them, never by an internal note; another organisation's words never match;
 * an erased message's words stop matching.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as myTickets from '../../web/app/routes/my.tickets.tsx'
import * as queue from '../../web/app/routes/staff.tickets.tsx'
import { createApiKey } from '../../services/api-keys.server.ts'
import { addTicketTag } from '../../services/tags.server.ts'
import { linkCase, postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { apiClient } from '../support/api-client.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { routeCalls, type Person } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
let searched: { id: string; number: number }
let keyA: string
let keyB: string

type Found = { number: number; passage: { text: string; matched: boolean }[] | null }

/** The numbers the staff queue lists for a search (every status), with their passages. */
async function staffSearch(person: Person, org: { slug: string }, q: string): Promise<Found[]> {
  const answer = await calls.load(queue, person, `/staff/tickets?org=${org.slug}&view=all&tab=all&q=${encodeURIComponent(q)}`)
  expect(answer.status).toBe(200)
  return (answer.data as { tickets: Found[] }).tickets
}

async function familySearch(person: Person, q: string): Promise<Found[]> {
  const answer = await calls.load(myTickets, person, `/my/tickets?tab=all&q=${encodeURIComponent(q)}`)
  expect(answer.status).toBe(200)
  return (answer.data as { tickets: Found[] }).tickets
}

const numbers = (found: Found[]) => found.map((f) => f.number)

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  const ticket = await createTicket(stack.context, {
    orgId: a.org.id,
    requesterId: a.family.id,
    subject: 'Help with the annual review',
    type: 'ehcp',
    childName: 'Marigold',
    body: 'The council lost the paperwork from the speech therapist before the review.',
  })
  searched = ticket
  const message = (body: string, visibility: 'public' | 'internal') =>
    postMessage(stack.context, { ticket, author: a.advocate, role: 'staff', body, visibility })
  expect(await message('We will chase the occupational therapy report this week.', 'public')).toMatchObject({ status: 'applied' })
  expect(await message('The caseworker sounded evasive about the quartermaster panel.', 'internal')).toMatchObject({ status: 'applied' })
  await addTicketTag(stack.db, { ticket, name: 'Tribunal prep', actorId: a.advocate.id, via: 'portal' })
  expect(await linkCase(stack.context, { ticket, actor: a.advocate, caseRef: 'LEEDS-4471' })).toMatchObject({ status: 'applied' })
  // The same words in another organisation, which must never match for the first.
  await createTicket(stack.context, {
    orgId: b.org.id,
    requesterId: b.family.id,
    subject: 'Another organisation',
    type: 'ehcp',
    body: 'The paperwork about the quartermaster panel went missing too.',
  })
  keyA = (await createApiKey(stack.db, { orgId: a.org.id, name: 'Search', createdById: a.admin.id, via: 'cli' })).key
  keyB = (await createApiKey(stack.db, { orgId: b.org.id, name: 'Search', createdById: b.admin.id, via: 'cli' })).key
})
afterAll(() => stack?.close())

describe('staff', () => {
  it('find the ticket by words of its first message, with the passage marked', async () => {
    const found = await staffSearch(a.advocate, a.org, 'speech paperwork')
    expect(numbers(found)).toEqual([searched.number])
    const marked = found[0]!.passage!.filter((p) => p.matched).map((p) => p.text.toLowerCase())
    expect(marked).toEqual(expect.arrayContaining(['paperwork', 'speech']))
    expect(found[0]!.passage!.map((p) => p.text).join('')).toContain('lost the paperwork from the speech therapist')
  })

  it('find it by a later reply, an internal note, a word’s beginning, the child, the case reference and a tag', async () => {
    for (const q of ['occupational', 'quartermaster', 'evas', 'Marigold', 'LEEDS-4471', 'tribunal prep'])
      expect(numbers(await staffSearch(a.advocate, a.org, q)), q).toEqual([searched.number])
  })

  it('never find another organisation’s ticket by its words', async () => {
    expect(numbers(await staffSearch(b.advocate, b.org, 'speech therapist'))).toEqual([])
    expect(numbers(await staffSearch(a.advocate, a.org, 'missing'))).toEqual([])
  })
})

describe('the API', () => {
  const api = (key: string, path: string) => apiClient(stack.stack.webUrl)(key, 'GET', path)
  const listed = (body: { tickets: Found[] }) => numbers(body.tickets)

  it('finds a ticket by what was said, with the passage, combined with the other filters', async () => {
    const found = await api(keyA, `/tickets?q=${encodeURIComponent('quartermaster')}`)
    expect(found.status).toBe(200)
    expect(listed(found.body)).toEqual([searched.number])
    const passage = found.body.tickets[0].passage as Found['passage']
    expect(passage!.filter((p) => p.matched).map((p) => p.text.toLowerCase())).toEqual(['quartermaster'])
    expect(listed((await api(keyA, '/tickets?q=quartermaster&type=ehcp&tag=tribunal%20prep')).body)).toEqual([searched.number])
    expect(listed((await api(keyA, '/tickets?q=quartermaster&type=dla')).body)).toEqual([])
    expect(listed((await api(keyA, '/tickets?q=quartermaster&assignee=none&status=resolved')).body)).toEqual([])
  })

  it('gives a null passage to a ticket found by its subject, and none without q', async () => {
    const bySubject = await api(keyA, '/tickets?q=annual')
    expect(bySubject.body.tickets.map((t: { number: number; passage: unknown }) => [t.number, t.passage])).toEqual([
      [searched.number, null],
    ])
    expect((await api(keyA, '/tickets')).body.tickets[0]).not.toHaveProperty('passage')
  })

  it('pages a search by the cursor, oldest update first, each ticket once', async () => {
    for (const subject of ['School transport', 'Respite hours'])
      await createTicket(stack.context, {
        orgId: a.org.id,
        requesterId: a.otherFamily.id,
        subject,
        type: 'general',
        body: `About the ${subject}.`,
      })
    const everyone = await api(keyA, '/tickets?limit=100')
    const all = listed(everyone.body)
    expect(all.length).toBeGreaterThan(1)
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page = await api(keyA, `/tickets?q=the&limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      expect(page.status).toBe(200)
      seen.push(...listed(page.body))
      cursor = page.body.nextCursor
    } while (cursor)
    expect(seen).toEqual(all.filter((n) => seen.includes(n)))
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toContain(searched.number)
  })

  it('never finds another organisation’s words, and refuses a search that is not a line', async () => {
    expect(listed((await api(keyB, '/tickets?q=speech%20therapist')).body)).toEqual([])
    expect(listed((await api(keyA, '/tickets?q=missing')).body)).toEqual([])
    const refused = await api(keyA, `/tickets?q=${encodeURIComponent('two\nlines')}`)
    expect(refused.status).toBe(400)
    expect(refused.body.error.code).toBe('invalid_request')
  })
})

describe('families', () => {
  it('read a passage from what was said to them only, never from a newer internal note', async () => {
    // "the" is in every message; the internal note is the newest of them.
    const [found] = await familySearch(a.family, 'the')
    const text = found!.passage!.map((p) => p.text).join('')
    expect(text).toContain('occupational therapy report')
    expect(text).not.toContain('quartermaster')
  })

  it('find their own request by what was said to them', async () => {
    const found = await familySearch(a.family, 'occupational therapy')
    expect(numbers(found)).toEqual([searched.number])
    expect(found[0]!.passage!.some((p) => p.matched && p.text.toLowerCase() === 'occupational')).toBe(true)
  })

  it('never by an internal note, a tag, or someone else’s request', async () => {
    expect(numbers(await familySearch(a.family, 'quartermaster'))).toEqual([])
    expect(numbers(await familySearch(a.family, 'tribunal prep'))).toEqual([])
    expect(numbers(await familySearch(a.otherFamily, 'paperwork'))).toEqual([])
    expect(numbers(await familySearch(b.family, 'speech'))).toEqual([])
  })
})

it('stops matching a message once it is erased', async () => {
  const note = await stack.db.message.findFirstOrThrow({ where: { ticketId: searched.id, visibility: 'internal' } })
  await stack.db.message.delete({ where: { id: note.id } })
  expect(numbers(await staffSearch(a.advocate, a.org, 'quartermaster'))).toEqual([])
  expect(numbers(await staffSearch(a.advocate, a.org, 'occupational'))).toEqual([searched.number])
})

it('reads an edited message again', async () => {
  const reply = await stack.db.message.findFirstOrThrow({ where: { ticketId: searched.id, body: { contains: 'occupational' } } })
  await stack.db.message.update({ where: { id: reply.id }, data: { body: 'We will chase the audiology report this week.' } })
  expect(numbers(await staffSearch(a.advocate, a.org, 'audiology'))).toEqual([searched.number])
  expect(numbers(await staffSearch(a.advocate, a.org, 'occupational'))).toEqual([])
})

/**
 * The portal's form actions, fuzzed as a browser would meet them: a signed-in
 * family, member of staff and admin (and a visitor on the request form) open
 * each page, and fast-check fills one of its forms, then breaks it: fields
 * left out, sent twice or full of control characters, NULs and huge text,
 * another intent, unknown fields, files of every kind, no one-time token or a
 * spent one, another Origin, a body that is not a form at all. Whatever is
 * sent, the answer is never a 5xx, a refusal changes nothing, and afterwards
 * nothing is half-written (tests/support/invariants.ts), nor any submission
 * left claimed. A fixed seed makes the run the same every time.
 */
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MESSAGE_MAX } from '../../domain/limits.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { partialWrites, storedFiles } from '../support/invariants.ts'
import { PortalClient, signInOver, type PortalAnswer } from '../support/portal-client.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const SEED = 20261206
/** Runs per persona: about 25 s in all here. */
const RUNS = { visitor: 20, family: 60, staff: 100, admin: 100 }

type Persona = keyof typeof RUNS

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let clients: Record<Persona, PortalClient>
let signIns: Record<Persona, () => Promise<void>>
let pages: Record<Persona, string[]>
let filesBefore: Set<string>
let started: Date
/** Memberships a form must not take away: the personas' own. */
let personaMemberships: Set<string>
/** Tokens already sent, to send again. */
const spentTokens: string[] = []

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  started = new Date()
  filesBefore = await storedFiles(stack)
  const { key } = await createApiKey(stack.db, { orgId: people.org.id, name: 'Fixtures', createdById: people.admin.id, via: 'cli' })
  const ticket = async (caseRef?: string) => {
    const response = await fetch(`${stack.stack.webUrl}/api/v1/tickets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        requester: { email: people.family.email, name: 'Fran Family' },
        subject: 'School transport',
        body: 'The bus stopped coming.',
        type: 'ehcp',
        caseRef,
      }),
    })
    expect(response.status).toBe(201)
    return ((await response.json()) as { ticket: { number: number } }).ticket.number
  }
  const [mine, withCase] = [await ticket(), await ticket('EHC-7')]
  const { slug } = people.org
  const ticketPage = (number: number) => `/tickets/${slug}/${number}`
  pages = {
    visitor: [`/orgs/${slug}/request`],
    family: [`/orgs/${slug}/request`, ticketPage(mine), '/account', '/notifications'],
    staff: [ticketPage(mine), ticketPage(withCase), '/staff/triage', '/notifications', '/account'],
    admin: [
      ticketPage(withCase),
      '/staff/settings/api-keys',
      '/staff/settings/organisation',
      '/staff/settings/saved-replies',
      '/staff/settings/sla-policy',
      '/staff/settings/team',
      '/staff/triage',
    ],
  }
  clients = {
    visitor: new PortalClient(stack.stack.webUrl),
    family: new PortalClient(stack.stack.webUrl),
    staff: new PortalClient(stack.stack.webUrl),
    admin: new PortalClient(stack.stack.webUrl),
  }
  const signIn = (persona: Persona, email: string) => async () =>
    expect((await signInOver(clients[persona], email, TEST_PASSWORD)).status).toBe(302)
  signIns = {
    visitor: async () => {},
    family: signIn('family', people.family.email),
    staff: signIn('staff', people.advocate.email),
    admin: signIn('admin', people.admin.email),
  }
  for (const persona of ['family', 'staff', 'admin'] as const) await signIns[persona]()
  personaMemberships = new Set(
    (await stack.db.membership.findMany({ where: { orgId: people.org.id }, select: { id: true } })).map((membership) => membership.id),
  )
})
afterAll(async () => {
  await stack?.close()
})

// ---------------------------------------------------------------------------
// Forms, as the page renders them

interface Field {
  name: string
  kind: string
  /** A hidden field's value, a checkbox's, or a select's options and a radio group's values. */
  values: string[]
}

interface Form {
  action: string
  multipart: boolean
  fields: Field[]
}

const unescape = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (_, entity: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"' })[entity] ?? "'")
const attribute = (attributes: string, name: string) => {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(attributes)
  return match ? unescape(match[1]!) : undefined
}

/** The POST forms of a server-rendered page, with the fields a browser would send. */
function formsOf(html: string, page: string): Form[] {
  const forms: Form[] = []
  for (const [, attributes, body] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    if (attribute(attributes!, 'method')?.toLowerCase() !== 'post') continue
    const fields = new Map<string, Field>()
    const add = (name: string, kind: string, value?: string) => {
      const field = fields.get(name) ?? { name, kind, values: [] }
      if (value !== undefined) field.values.push(value)
      fields.set(name, field)
    }
    for (const [, attrs, inner] of body!.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attribute(attrs!, 'name')
      if (!name || / disabled=""/.test(attrs!)) continue
      for (const [, option, text] of inner!.matchAll(/<option\b([^>]*)>([^<]*)/g))
        add(name, 'select', attribute(option!, 'value') ?? unescape(text!))
    }
    for (const [, tag, attrs] of body!.replace(/<select\b[\s\S]*?<\/select>/g, '').matchAll(/<(input|textarea|button)\b([^>]*)>/g)) {
      const name = attribute(attrs!, 'name')
      if (!name || / disabled=""/.test(attrs!)) continue
      if (tag === 'textarea') add(name, 'textarea')
      else add(name, tag === 'button' ? 'radio' : (attribute(attrs!, 'type') ?? 'text'), attribute(attrs!, 'value'))
    }
    forms.push({
      action: attribute(attributes!, 'action') ?? page,
      multipart: attribute(attributes!, 'encType') === 'multipart/form-data',
      fields: [...fields.values()],
    })
  }
  return forms
}

/** Forms the run leaves alone: they end the persona's session, or take away a persona's place on the team. */
function ends(form: Form): boolean {
  const value = (name: string) => form.fields.find((field) => field.name === name)?.values[0]
  return (
    form.action === '/logout' ||
    value('intent') === 'sign-out-everywhere' ||
    (value('membershipId') !== undefined && personaMemberships.has(value('membershipId')!))
  )
}

// ---------------------------------------------------------------------------
// What is sent

const nasty = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\r\n\r\n',
    '0',
    '-1',
    '1e9',
    '2026-02-30',
    '25:61',
    'x'.repeat(MESSAGE_MAX + 1),
  ),
  fc.uuid(),
)
const choice = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map((pick) => ({ kind: 'browser' as const, pick })) },
  { weight: 2, arbitrary: nasty.map((value) => ({ kind: 'replace' as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drop' as const }) },
  { weight: 1, arbitrary: nasty.map((value) => ({ kind: 'twice' as const, value })) },
)
const file = fc.constantFrom(
  { name: 'letter.pdf', content: '%PDF-1.4 a letter' },
  { name: 'notes.txt', content: 'Notes from the call' },
  { name: 'run.exe', content: 'MZ' },
  { name: 'fake.pdf', content: 'not a pdf' },
  { name: 'empty.txt', content: '' },
  { name: '', content: '' },
  { name: '../../etc/passwd.txt', content: 'root' },
)
const plan = fc.record({
  /** Filled in as a browser would, and sent as it would: most of the rest is refused before it reaches a service. */
  clean: fc.integer({ min: 0, max: 9 }).map((n) => n < 4),
  page: fc.nat(),
  form: fc.nat(),
  choices: fc.array(choice, { minLength: 8, maxLength: 8 }),
  extra: fc.array(fc.tuple(fc.constantFrom('intent', 'status', 'userId', 'ticketId', '__proto__', 'x'), nasty), { maxLength: 2 }),
  files: fc.array(file, { maxLength: 7 }),
  encoding: fc.constantFrom('form', 'form', 'form', 'multipart', 'multipart', 'garbage'),
  token: fc.constantFrom('fresh', 'fresh', 'fresh', 'fresh', 'none', 'garbage', 'spent'),
  origin: fc.constantFrom('same', 'same', 'same', 'same', 'same', 'none', 'elsewhere'),
  garbage: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('%', 'a=%zz', '{"intent":"reply"}', '--x\r\n')),
})
type Plan = typeof plan extends fc.Arbitrary<infer P> ? P : never

/** What a browser sends for a field a person filled in (or left empty: browsers send empty fields too). */
function browserValue(field: Field, pick: number): string | undefined {
  // A person picks a real option, not the "Choose…" placeholder.
  const options = field.kind === 'select' ? field.values.filter(Boolean) : field.values
  if (options.length) return options[pick % options.length]
  switch (field.kind) {
    case 'checkbox':
      return pick % 2 ? 'on' : undefined
    case 'email':
      return `fuzz-${pick % 5}@portal-fuzz.test.example`
    case 'password':
      return TEST_PASSWORD
    case 'number':
      return String(30 + (pick % 3) * 30)
    case 'date':
      return pick % 3 ? '' : new Date(Date.now() + (1 + (pick % 10)) * 86_400_000).toISOString().slice(0, 10)
    case 'time':
      return ['09:00', '17:30', '08:00'][pick % 3]
    case 'url':
      return 'https://example.org'
    case 'file':
      return undefined
    default:
      return ['Help with the EHC plan', 'Tribunal date set', 'EHC-7', ''][pick % 4]
  }
}

function filledIn(form: Form, { clean, choices, extra, token }: Plan): [string, string][] {
  const entries: [string, string][] = []
  form.fields.forEach((field, i) => {
    const chosen = choices[i % choices.length]!
    const pick = clean && chosen.kind !== 'browser' ? { kind: 'browser' as const, pick: i * 7 } : chosen
    if (field.name === 'submissionToken') {
      const spent = spentTokens.at(-1)
      if (clean || token === 'fresh' || (token === 'spent' && !spent)) {
        entries.push([field.name, field.values[0]!])
        spentTokens.push(field.values[0]!)
      } else if (token === 'spent') entries.push([field.name, spent!])
      else if (token === 'garbage') entries.push([field.name, randomUUID()])
      return
    }
    if (field.kind === 'file') return
    if (pick.kind === 'drop') return
    const value = pick.kind === 'browser' ? browserValue(field, pick.pick) : pick.value
    if (value !== undefined) entries.push([field.name, value])
    if (pick.kind === 'twice') entries.push([field.name, pick.value])
  })
  return clean ? entries : [...entries, ...extra]
}

/** Files a browser would have let the person choose. */
const chosenFiles = (planned: Plan) =>
  planned.clean ? planned.files.filter((f) => /\.(pdf|txt)$/.test(f.name) && f.content.length > 2).slice(0, 2) : planned.files

function multipartBody(entries: [string, string][], files: { name: string; content: string }[], boundary: string): string {
  const quote = (text: string) => text.replace(/"/g, '%22').replace(/\r?\n|\r/g, '%0A')
  const parts = entries.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`)
  for (const { name, content } of files)
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="${quote(name)}"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n${content}\r\n`,
    )
  return `${parts.join('')}--${boundary}--\r\n`
}

async function send(client: PortalClient, form: Form, planned: Plan): Promise<PortalAnswer> {
  const origin: Record<string, string> = { same: { Origin: client.origin }, none: {}, elsewhere: { Origin: 'https://evil.example' } }[
    planned.clean ? 'same' : planned.origin
  ]
  const encoding = planned.clean ? (form.multipart ? 'multipart' : 'form') : planned.encoding
  const entries = filledIn(form, planned)
  if (encoding === 'garbage')
    return client.send('POST', form.action, planned.garbage, { ...origin, 'Content-Type': 'application/x-www-form-urlencoded' })
  const files = chosenFiles(planned)
  if (encoding === 'multipart' || (form.multipart && files.length)) {
    const boundary = `----fuzz${randomUUID()}`
    return client.send('POST', form.action, multipartBody(entries, files, boundary), {
      ...origin,
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
    })
  }
  return client.send('POST', form.action, new URLSearchParams(entries).toString(), {
    ...origin,
    'Content-Type': 'application/x-www-form-urlencoded',
  })
}

/** What a refused form must not have changed. */
async function footprint() {
  const orgId = people.org.id
  const ticketOf = { ticket: { orgId } }
  const [tickets, messages, attachments, keys, replies, members, audit, submissions, org] = await Promise.all([
    stack.db.ticket.count({ where: { orgId } }),
    stack.db.message.count({ where: ticketOf }),
    stack.db.attachment.count({ where: ticketOf }),
    stack.db.apiKey.count({ where: { orgId, revokedAt: null } }),
    stack.db.savedReply.count({ where: { orgId } }),
    stack.db.membership.count({ where: { orgId } }),
    stack.db.auditEvent.count({ where: { orgId } }),
    stack.db.formSubmission.count({ where: { createdAt: { gte: started }, completedAt: { not: null } } }),
    stack.db.organisation.findUniqueOrThrow({ where: { id: orgId } }),
  ])
  return { tickets, messages, attachments, keys, replies, members, audit, submissions, org: JSON.stringify(org) }
}

describe('fuzzed forms', () => {
  it('never answer with a 5xx, change nothing when refused, and leave nothing half-written', { timeout: 240_000 }, async () => {
    const statuses: Record<string, number> = {}
    for (const persona of Object.keys(RUNS) as Persona[]) {
      await fc.assert(
        fc.asyncProperty(plan, async (planned) => {
          const page = pages[persona][planned.page % pages[persona].length]!
          let loaded = await clients[persona].get(page)
          if (loaded.status === 302 && loaded.headers.location?.startsWith('/login')) {
            // A changed password ends the persona's other sessions: sign in again, as a person would.
            await signIns[persona]()
            loaded = await clients[persona].get(page)
          }
          expect(loaded.status, `${persona} GET ${page}`).toBeLessThan(500)
          const forms = formsOf(loaded.body, page).filter((form) => !ends(form))
          if (!forms.length) return
          const form = forms[planned.form % forms.length]!
          const before = await footprint()
          const answer = await send(clients[persona], form, planned)
          const intent = form.fields.find((field) => field.name === 'intent')?.values[0] ?? ''
          const outcome = `${persona} ${form.action} ${intent} → ${answer.status}`
          statuses[outcome] = (statuses[outcome] ?? 0) + 1
          expect(answer.status, `${persona} POST ${form.action} (${intent}): ${answer.body.slice(0, 500)}`).toBeLessThan(500)
          if (answer.status >= 400) expect(await footprint(), `${persona} POST ${form.action} (${intent}) was refused`).toEqual(before)
        }),
        { numRuns: RUNS[persona], seed: SEED, endOnFailure: true },
      )
    }
    console.log(
      Object.entries(statuses)
        .sort()
        .map(([what, count]) => `${count}× ${what}`)
        .join('\n'),
    )
    // The forms were reached, and some were carried out.
    expect(Object.keys(statuses).some((key) => / → 30[23]$/.test(key))).toBe(true)

    await eventually(async () => expect(await partialWrites(stack, people.org.id, filesBefore)).toEqual([]), 60_000)
    const claimed = await stack.db.formSubmission.count({ where: { createdAt: { gte: started }, completedAt: null } })
    expect(claimed, 'submissions claimed and never completed or released').toBe(0)
  })
})

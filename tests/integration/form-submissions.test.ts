/**
 * Every portal form that creates something, posted twice over HTTP to the test
 * stack's web server as a browser without JavaScript would: one post after the
 * other (the back button, a resent POST), and two at the same moment (a double
 * click). Each time exactly one thing is made, and the repeat is redirected where
 * the first went. Also: a refused submission keeps its token, a form without a
 * token creates nothing, someone else's token is refused, and claims that lost
 * their process or are a day old do not stand in the way.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimSubmission, forgetExpiredSubmissions, SUBMISSION_TTL_MS } from '../../services/submissions.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { PortalClient, signInOver, type PortalAnswer } from '../support/portal-client.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let ticket: { id: string; number: number }

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  ticket = await createTicket(stack.context, {
    orgId: people.org.id,
    requesterId: people.family.id,
    subject: 'Submissions: a ticket to reply on',
    type: 'general',
    body: 'Please help.',
  })
})
afterAll(async () => {
  await stack?.close()
})

type Answer = { status: number; location: string | null; signsIn: boolean; body: string }

/** A browser without JavaScript, signed in as `email` (or not at all). */
async function visitor(email?: string): Promise<PortalClient> {
  const client = new PortalClient(stack.stack.webUrl)
  if (email) expect((await signInOver(client, email, TEST_PASSWORD)).status).toBe(302)
  return client
}

/** The page's HTML; it must answer 200. */
async function page(client: PortalClient, path: string): Promise<string> {
  const answer = await client.get(path)
  expect(answer.status, `GET ${path}`).toBe(200)
  return answer.body
}

/** A form posted as the browser posts it: urlencoded, or multipart when it has files. */
async function post(client: PortalClient, path: string, form: Record<string, string> | FormData): Promise<Answer> {
  let answer: PortalAnswer
  if (form instanceof FormData) {
    const encoded = new Request(new URL(path, stack.stack.webUrl), { method: 'POST', body: form })
    answer = await client.send('POST', path, await encoded.text(), {
      'Content-Type': encoded.headers.get('Content-Type')!,
      Origin: client.origin,
    })
  } else answer = await client.post(path, form)
  const signsIn = answer.setCookies.some((line) => line.startsWith('caseway_session=') && !/Max-Age=0/i.test(line))
  return { status: answer.status, location: answer.headers.location ?? null, signsIn, body: answer.body }
}

/** The one-time tokens a page's forms carry, in page order. */
function tokensIn(html: string): string[] {
  return [...html.matchAll(/name="submissionToken" value="([0-9a-f-]{36})"/g)].map((match) => match[1]!)
}

/** The token of the form whose `intent` is `intent`, on a page with several. */
function tokenOfForm(html: string, intent: string): string {
  const form = html.split('<form').find((part) => part.includes(`name="intent" value="${intent}"`))
  expect(form, `a form with intent ${intent}`).toBeDefined()
  return onlyToken(form!.split('</form>')[0]!)
}

/** The token of the only form on the page that carries one. */
function onlyToken(html: string): string {
  const tokens = tokensIn(html)
  expect(tokens).toHaveLength(1)
  return tokens[0]!
}

/** A form as its page renders it: its fields, the token it carries, and a file if any. */
function withToken(
  token: string,
  fields: Record<string, string>,
  file?: { name: string; text: string },
): Record<string, string> | FormData {
  if (!file) return { ...fields, submissionToken: token }
  const form = new FormData()
  for (const [name, value] of Object.entries({ ...fields, submissionToken: token })) form.append(name, value)
  form.append('attachments', new Blob([file.text], { type: 'text/plain' }), file.name)
  return form
}

interface CreatingForm {
  name: string
  /** Who fills it in (a fresh visitor each time). */
  visitor: () => Promise<PortalClient>
  /** Where the form is, and where it posts. */
  path: string | (() => string)
  /** What must exist before the page loads; fields it adds to the form. */
  before?: (run: string) => Promise<Record<string, string>>
  /** The form filled in, unique to `run`. */
  fields: (run: string) => Record<string, string>
  file?: (run: string) => { name: string; text: string }
  /** Its token on the page (by default the page's only one). */
  token?: (html: string, fields: Record<string, string>) => string
  /** How many things the posts for `run` made. */
  made: (run: string) => Promise<number>
  /** The first answer, when it is not a redirect. */
  firstStatus?: number
  /** The first answer signs the sender in (a repeat never does). */
  signsIn?: boolean
  /** Where a repeat goes, when not where the first went. */
  repeatGoesTo?: string
}

const SAVED_REPLIES = '/staff/settings/saved-replies'
const API_KEYS = '/staff/settings/api-keys'
const TEAM = '/staff/settings/team'
const requestPath = () => `/orgs/${people.org.slug}/request`
const ticketPath = () => `/tickets/${people.org.slug}/${ticket.number}`
const emailOf = (run: string) => `submission-${run}@test.example`
const onTicket = (where: Record<string, unknown>) => stack.db.message.count({ where: { ticketId: ticket.id, ...where } })
const filesOnTicket = (filename: string) => stack.db.attachment.count({ where: { ticketId: ticket.id, filename } })

const forms: CreatingForm[] = [
  {
    name: 'a family’s request',
    visitor: () => visitor(people.family.email),
    path: requestPath,
    fields: (run) => ({ type: 'general', subject: `Request ${run}`, message: 'We need help.' }),
    made: (run) => stack.db.ticket.count({ where: { orgId: people.org.id, subject: `Request ${run}` } }),
  },
  {
    name: 'a request sent signed out, with a new account',
    visitor: () => visitor(),
    path: requestPath,
    fields: (run) => ({
      name: 'New Family',
      email: emailOf(run),
      password: 'long enough password',
      type: 'dla',
      subject: `Signed out ${run}`,
      message: 'We need help.',
    }),
    made: async (run) =>
      (await stack.db.ticket.count({ where: { subject: `Signed out ${run}` } })) *
      (await stack.db.user.count({ where: { email: emailOf(run) } })),
    signsIn: true,
  },
  {
    name: 'a family’s reply with a file',
    visitor: () => visitor(people.family.email),
    path: ticketPath,
    fields: (run) => ({ intent: 'reply', body: `Family reply ${run}` }),
    file: (run) => ({ name: `${run}.txt`, text: 'our letter' }),
    made: async (run) => (await onTicket({ body: `Family reply ${run}` })) * (await filesOnTicket(`${run}.txt`)),
  },
  {
    name: 'a staff reply',
    visitor: () => visitor(people.advocate.email),
    path: ticketPath,
    // The ticket page has other creating forms too (a time entry).
    token: (html) => tokenOfForm(html, 'reply'),
    fields: (run) => ({ intent: 'reply', visibility: 'public', body: `Staff reply ${run}` }),
    made: (run) => onTicket({ body: `Staff reply ${run}`, visibility: 'public' }),
  },
  {
    name: 'an internal note with a file',
    visitor: () => visitor(people.advocate.email),
    path: ticketPath,
    // The ticket page has other creating forms too (a time entry).
    token: (html) => tokenOfForm(html, 'reply'),
    fields: (run) => ({ intent: 'reply', visibility: 'internal', body: `Note ${run}` }),
    file: (run) => ({ name: `note-${run}.txt`, text: 'notes' }),
    made: async (run) => (await onTicket({ body: `Note ${run}`, visibility: 'internal' })) * (await filesOnTicket(`note-${run}.txt`)),
  },
  {
    name: 'a saved reply',
    visitor: () => visitor(people.admin.email),
    path: SAVED_REPLIES,
    fields: (run) => ({ intent: 'create-reply', title: `Saved ${run}`, body: 'We have written to the council.' }),
    made: (run) => stack.db.savedReply.count({ where: { orgId: people.org.id, title: `Saved ${run}` } }),
  },
  {
    name: 'an API key',
    visitor: () => visitor(people.admin.email),
    path: API_KEYS,
    fields: (run) => ({ intent: 'create-key', name: `Key ${run}` }),
    made: (run) => stack.db.apiKey.count({ where: { orgId: people.org.id, name: `Key ${run}` } }),
    // The key is shown once, on the first answer; a repeat is told it was made.
    firstStatus: 200,
    repeatGoesTo: API_KEYS,
  },
  {
    name: 'an invitation',
    visitor: () => visitor(people.admin.email),
    path: TEAM,
    fields: (run) => ({ intent: 'invite', name: `Ivy ${run}`, email: emailOf(run), role: 'staff' }),
    // The invitation form comes first; invited members' forms follow.
    token: (html) => tokensIn(html)[0]!,
    made: async (run) =>
      (await stack.db.membership.count({ where: { orgId: people.org.id, user: { email: emailOf(run) } } })) *
      (await stack.db.outboxEmail.count({ where: { to: emailOf(run) } })),
  },
  {
    name: 'a new invitation link',
    visitor: () => visitor(people.admin.email),
    path: TEAM,
    before: async (run) => {
      const user = await stack.db.user.create({ data: { email: emailOf(run), name: `Invited ${run}`, passwordHash: null } })
      const member = await stack.db.membership.create({ data: { orgId: people.org.id, userId: user.id, role: 'staff' } })
      return { membershipId: member.id }
    },
    fields: () => ({ intent: 'resend-invitation' }),
    // The member's own form: its token follows its id.
    token: (html, fields) => tokensIn(html.slice(html.indexOf(`value="${fields.membershipId}"`)))[0]!,
    made: (run) => stack.db.outboxEmail.count({ where: { to: emailOf(run) } }),
  },
  {
    name: 'a new account',
    visitor: () => visitor(),
    path: '/signup',
    // As the page sends it: with where to go next (blank: the directory).
    fields: (run) => ({ name: 'Signing Up', email: emailOf(run), password: 'long enough password', redirectTo: '' }),
    made: (run) => stack.db.user.count({ where: { email: emailOf(run) } }),
    signsIn: true,
    // A repeat is sent to sign in, which sends on whoever is signed in already.
    repeatGoesTo: `/login?${new URLSearchParams({ redirectTo: '/orgs' })}`,
  },
]

/** `form` filled in for `run`, with the token its page rendered for `client`. */
async function fillIn(form: CreatingForm, client: PortalClient, run: string) {
  const fields = { ...(await form.before?.(run)), ...form.fields(run) }
  const html = await page(client, typeof form.path === 'string' ? form.path : form.path())
  return withToken(form.token ? form.token(html, fields) : onlyToken(html), fields, form.file?.(run))
}

describe.each(forms)('$name', (form) => {
  const path = () => (typeof form.path === 'string' ? form.path : form.path())
  const firstStatus = form.firstStatus ?? 302

  it('posted twice, one after the other: made once, and the repeat goes where the first went', async () => {
    const run = randomUUID().slice(0, 8)
    const client = await form.visitor()
    const filled = await fillIn(form, client, run)
    const first = await post(client, path(), filled)
    expect(first, first.body.slice(0, 300)).toMatchObject({ status: firstStatus, signsIn: form.signsIn ?? false })
    const again = await post(client, path(), filled)
    expect(again).toMatchObject({ status: 302, location: form.repeatGoesTo ?? first.location, signsIn: false })
    expect(await form.made(run)).toBe(1)
  })

  it('posted twice at the same moment: made once, and the repeat goes where the first went', async () => {
    const run = randomUUID().slice(0, 8)
    const client = await form.visitor()
    const filled = await fillIn(form, client, run)
    const answers = await Promise.all([post(client, path(), filled), post(client, path(), filled)])
    const first = answers.find((a) => a.status === firstStatus && a.signsIn === (form.signsIn ?? false))
    expect(first, JSON.stringify(answers.map(({ body: _body, ...a }) => a))).toBeDefined()
    const repeat = answers.find((a) => a !== first)
    expect(repeat).toMatchObject({ status: 302, location: form.repeatGoesTo ?? first!.location, signsIn: false })
    expect(await form.made(run)).toBe(1)
  })
})

describe('a repeat', () => {
  it('lands on the ticket the first made, with the same confirmation', async () => {
    const family = await visitor(people.family.email)
    const filled = withToken(onlyToken(await page(family, requestPath())), { type: 'general', subject: 'Sent twice', message: 'Hello' })
    const first = await post(family, requestPath(), filled)
    await page(family, first.location!) // shows, and clears, the first confirmation
    const again = await post(family, requestPath(), filled)
    expect(again.location).toBe(first.location)
    expect(await page(family, again.location!)).toContain(`Request sent to ${people.org.name}.`)
  })
})

describe('a refused submission', () => {
  it('keeps its token: the same form, corrected, is sent', async () => {
    const admin = await visitor(people.admin.email)
    const token = onlyToken(await page(admin, SAVED_REPLIES))
    const taken = `Taken ${randomUUID().slice(0, 8)}`
    await stack.db.savedReply.create({ data: { orgId: people.org.id, title: taken, body: 'Already here' } })
    // Refused after the token was claimed (the title is in use), and before it (a blank body).
    expect((await post(admin, SAVED_REPLIES, withToken(token, { intent: 'create-reply', title: taken, body: 'New text' }))).status).toBe(
      409,
    )
    expect((await post(admin, SAVED_REPLIES, withToken(token, { intent: 'create-reply', title: `${taken} 2`, body: ' ' }))).status).toBe(
      400,
    )
    const sent = await post(admin, SAVED_REPLIES, withToken(token, { intent: 'create-reply', title: `${taken} 2`, body: 'New text' }))
    expect(sent.status).toBe(302)
    expect(await stack.db.savedReply.count({ where: { orgId: people.org.id, title: `${taken} 2` } })).toBe(1)
  })
})

describe('a form without its token', () => {
  it('is refused as out of date, and creates nothing', async () => {
    const family = await visitor(people.family.email)
    for (const token of [undefined, 'not-a-token']) {
      const form = { type: 'general', subject: 'Without a token', message: 'Hello', ...(token ? { submissionToken: token } : {}) }
      const answer = await post(family, requestPath(), form)
      expect(answer.status).toBe(400)
      expect(answer.body).toContain('This form is out of date')
    }
    expect(await stack.db.ticket.count({ where: { subject: 'Without a token' } })).toBe(0)
  })
})

describe('a token someone else sent first', () => {
  it('is refused, and creates nothing for them', async () => {
    const other = await createTestOrganisation(stack.db)
    const token = onlyToken(await page(await visitor(people.admin.email), API_KEYS))
    const admin = await visitor(people.admin.email)
    expect((await post(admin, API_KEYS, withToken(token, { intent: 'create-key', name: 'Mine' }))).status).toBe(200)
    const stranger = await visitor(other.admin.email)
    const answer = await post(stranger, API_KEYS, withToken(token, { intent: 'create-key', name: 'Theirs' }))
    expect(answer.status).toBe(409)
    expect(await stack.db.apiKey.count({ where: { orgId: other.org.id } })).toBe(0)
  })
})

describe('claims', () => {
  const claim = (token: string, data: { answer?: object; minutesAgo?: number; completed?: boolean } = {}) =>
    stack.db.formSubmission.create({
      data: {
        form: 'saved-reply',
        token,
        actorId: people.admin.id,
        answer: data.answer,
        createdAt: new Date(Date.now() - (data.minutesAgo ?? 0) * 60_000),
        completedAt: data.completed ? new Date() : null,
      },
    })
  const sendSavedReply = async (token: string, title: string) =>
    post(await visitor(people.admin.email), SAVED_REPLIES, withToken(token, { intent: 'create-reply', title, body: 'Text' }))
  const count = (title: string) => stack.db.savedReply.count({ where: { orgId: people.org.id, title } })

  it('a repeat waits for a claim still running, then says it is still being sent', async () => {
    const token = randomUUID()
    await claim(token)
    const started = Date.now()
    const input = { form: 'saved-reply', token, actorId: people.admin.id, waitMs: 500 }
    expect(await claimSubmission(stack.db, input)).toEqual({ status: 'in_progress' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
  })

  it('whose process died before anything was made are taken over after a minute', async () => {
    const token = randomUUID()
    await claim(token, { minutesAgo: 2 })
    expect((await sendSavedReply(token, `Taken over ${token}`)).status).toBe(302)
    expect(await count(`Taken over ${token}`)).toBe(1)
  })

  it('whose process died after its transaction recorded the answer stand: the repeat creates nothing', async () => {
    const token = randomUUID()
    await claim(token, { minutesAgo: 2, answer: { redirectTo: '/tickets/somewhere/1', flash: null } })
    expect(await sendSavedReply(token, `Not again ${token}`)).toMatchObject({ status: 302, location: '/tickets/somewhere/1' })
    expect(await count(`Not again ${token}`)).toBe(0)
    expect((await stack.db.formSubmission.findFirstOrThrow({ where: { token } })).completedAt).not.toBeNull()
  })

  it('are forgotten after a day: the token is good again, and old records are deleted', async () => {
    const token = randomUUID()
    await claim(token, { minutesAgo: 24 * 60 + 1, completed: true, answer: { redirectTo: SAVED_REPLIES, flash: null } })
    expect((await sendSavedReply(token, `A day later ${token}`)).status).toBe(302)
    expect(await count(`A day later ${token}`)).toBe(1)
    const old = randomUUID()
    await claim(old, { minutesAgo: 24 * 60 + 1, completed: true, answer: { redirectTo: SAVED_REPLIES, flash: null } })
    expect(await forgetExpiredSubmissions(stack.db)).toBeGreaterThanOrEqual(1)
    expect(await stack.db.formSubmission.count({ where: { token: old } })).toBe(0)
    expect(await forgetExpiredSubmissions(stack.db, Date.now() + SUBMISSION_TTL_MS)).toBeGreaterThanOrEqual(1)
  })
})

/**
 * The portal's security controls over HTTP, against the built web server of the
 * test stack, as a browser (or an attacker's script) meets them: cross-site
 * requests refused, cookies that only this site's pages send, a fresh CSP nonce
 * per page, attachments that never run, redirects that stay on the site, the
 * guessing limits (per account, per network, growing waits, no lockout), and
 * session ids that stop working when they should. docs/security.md lists which
 * test proves which control.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../services/accounts.server.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { SCHEDULES, throttleKey, type ThrottledAction } from '../../services/auth-throttle.server.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { PortalClient, signInOver, type PortalAnswer } from '../support/portal-client.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let apiKey: string

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  ;({ key: apiKey } = await createApiKey(stack.db, {
    orgId: people.org.id,
    name: 'Security test',
    createdById: people.admin.id,
    via: 'cli',
  }))
})
afterAll(async () => {
  await stack?.close()
})

const browser = (options: { address?: string; host?: string } = {}) => new PortalClient(stack.stack.webUrl, options)

/** A family of its own for a test that changes its password or its limits. */
async function newFamily(password = TEST_PASSWORD) {
  const email = `security-${randomUUID().slice(0, 8)}@family.example`
  const { user } = await createUser(stack.db, { orgSlug: people.org.slug, role: 'family', name: 'Sasha Secure', email, password })
  return { ...user, password }
}

type Subject = Parameters<typeof throttleKey>[1]

/** A key's count, and the wait its last attempt set. */
async function throttleRow(action: ThrottledAction, subject: Subject, value: string) {
  const [row] = await stack.db.$queryRaw<{ attempts: number; waitSeconds: number }[]>`
    SELECT "attempts", EXTRACT(EPOCH FROM "blockedUntil" - "lastAt")::float8 AS "waitSeconds"
    FROM "AuthThrottle" WHERE "key" = ${throttleKey(action, subject, value).key}`
  return row
}

/** Time passes for one key: its wait is over now. */
async function waitIsOver(action: ThrottledAction, subject: Subject, value: string) {
  await stack.db.$executeRaw`UPDATE "AuthThrottle" SET "blockedUntil" = now() WHERE "key" = ${throttleKey(action, subject, value).key}`
}

/**
 * As if a stranger had been guessing for days: the key's wait is over, and its
 * next attempt sets the longest wait there is. Waits of a second would make the
 * refusals that follow depend on how fast this machine answers.
 */
async function afterLongGuessing(action: ThrottledAction, subject: Subject, value: string) {
  await stack.db
    .$executeRaw`UPDATE "AuthThrottle" SET "attempts" = 100000, "blockedUntil" = now() WHERE "key" = ${throttleKey(action, subject, value).key}`
}

const signedIn = async (client: PortalClient) => (await client.get('/account')).status === 200

function cookieNamed(answer: PortalAnswer, name: string): string {
  const line = answer.setCookies.find((c) => c.startsWith(`${name}=`))
  expect(line, `${name} in ${answer.setCookies.join(' | ')}`).toBeDefined()
  return line!
}

describe('requests from other sites', () => {
  it('refuses a state-changing request another site sends (403); this site’s forms and API clients pass', async () => {
    const client = browser()
    const form = { email: people.family.email, password: 'not the password' }
    const fromElsewhere = await client.post('/login', form, { Origin: 'https://evil.example' })
    expect({ status: fromElsewhere.status, body: fromElsewhere.body }).toEqual({
      status: 403,
      body: 'Cross-site requests are not allowed.',
    })
    // A browser that sends no Origin still says where the request came from.
    const marked = await client.send('POST', '/logout', '', { 'Sec-Fetch-Site': 'cross-site' })
    expect(marked.status).toBe(403)
    expect((await client.post('/login', form)).status).toBe(400)
    // The API authenticates with a key, not a cookie: no Origin check applies there.
    const api = await fetch(`${stack.stack.webUrl}/api/v1/tickets?limit=1`, {
      headers: { Authorization: `Bearer ${apiKey}`, Origin: 'https://evil.example' },
    })
    expect(api.status).toBe(200)
  })
})

describe('cookies', () => {
  it('are httpOnly and SameSite=Lax, and Secure whenever the portal is not on localhost', async () => {
    const local = await signInOver(browser(), people.family.email, TEST_PASSWORD)
    expect(local.status).toBe(302)
    const remote = browser({ host: 'caseway.example' })
    const away = await signInOver(remote, people.family.email, TEST_PASSWORD)
    expect(away.status).toBe(302)
    for (const name of ['caseway_session', 'caseway_device']) {
      for (const answer of [local, away]) {
        const line = cookieNamed(answer, name)
        expect(line).toMatch(/; HttpOnly/)
        expect(line).toMatch(/; SameSite=Lax/)
        expect(line).toMatch(/; Path=\//)
      }
      expect(cookieNamed(local, name)).not.toMatch(/; Secure/)
      expect(cookieNamed(away, name)).toMatch(/; Secure/)
    }
  })
})

describe('the content security policy', () => {
  it('gives each page a fresh nonce, which every script on it carries; nothing else may run', async () => {
    const client = browser()
    const nonces: string[] = []
    for (let i = 0; i < 2; i++) {
      const page = await client.get('/login')
      const policy = String(page.headers['content-security-policy'])
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1]
      expect(nonce).toBeTruthy()
      expect(policy).not.toContain('unsafe-inline')
      expect(policy).toMatch(/script-src-attr 'none'/)
      expect(policy).toMatch(/frame-ancestors 'none'/)
      const scripts = page.body.match(/<script\b[^>]*>/g) ?? []
      expect(scripts.length).toBeGreaterThan(0)
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
      expect(page.headers['x-content-type-options']).toBe('nosniff')
      nonces.push(nonce!)
    }
    expect(nonces[0]).not.toBe(nonces[1])
  })
})

describe('attachments', () => {
  it('are downloads that never run as a page, from the portal and from the API alike', async () => {
    const created = await fetch(`${stack.stack.webUrl}/api/v1/tickets`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        requester: { email: people.family.email, name: 'Fran' },
        subject: 'Files',
        body: 'See the file.',
        type: 'ehcp',
      }),
    })
    const { ticket } = (await created.json()) as { ticket: { number: number } }
    const upload = new FormData()
    upload.set('payload', JSON.stringify({ author: { email: people.family.email }, body: 'A page, as a file' }))
    upload.set('attachments', new Blob(['<script>alert(document.cookie)</script>'], { type: 'text/html' }), 'page.txt')
    const posted = await fetch(`${stack.stack.webUrl}/api/v1/tickets/${ticket.number}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}` },
      body: upload,
    })
    expect(posted.status, await posted.clone().text()).toBe(201)
    const { message } = (await posted.json()) as { message: { attachments: { id: string }[] } }
    const fileId = message.attachments[0]!.id

    const family = browser()
    expect((await signInOver(family, people.family.email, TEST_PASSWORD)).status).toBe(302)
    const fromPortal = await family.get(`/tickets/${people.org.slug}/${ticket.number}/attachments/${fileId}`)
    const fromApi = await fetch(`${stack.stack.webUrl}/api/v1/tickets/${ticket.number}/attachments/${fileId}`, {
      headers: { Authorization: `Bearer ${apiKey}` },
    })
    for (const headers of [new Headers(fromPortal.headers as Record<string, string>), fromApi.headers]) {
      expect(headers.get('content-disposition')).toMatch(/^attachment; filename="page.txt"/)
      expect(headers.get('content-type')).toMatch(/^text\/plain/)
      // The portal's own headers come too; a browser reads the first nosniff and applies every policy.
      expect(headers.get('x-content-type-options')).toMatch(/^nosniff\b/)
      expect(headers.get('content-security-policy')).toContain("default-src 'none'; sandbox")
    }
    expect(fromPortal.body).toBe('<script>alert(document.cookie)</script>')
  })
})

describe('the page after signing in', () => {
  it('stays on this site whatever the redirectTo field says', async () => {
    for (const elsewhere of ['//evil.example', '/\\evil.example', 'https://evil.example', '/\t/evil.example', '/\r\n/evil.example']) {
      const answer = await signInOver(browser(), people.family.email, TEST_PASSWORD, elsewhere)
      expect({ elsewhere, status: answer.status, location: answer.headers.location }).toEqual({ elsewhere, status: 302, location: '/' })
    }
    const onSite = await signInOver(browser(), people.family.email, TEST_PASSWORD, '/my/tickets?status=open')
    expect(onSite.headers.location).toBe('/my/tickets?status=open')
  })
})

describe('guessing passwords', () => {
  const { free, capSeconds } = SCHEDULES['sign-in'].account

  it('slows guesses at one account, wherever they come from, with waits that double up to a cap', async () => {
    const family = await newFamily()
    const stranger = browser()
    for (let i = 0; i < free; i++) expect((await signInOver(stranger, family.email, `guess ${i}`)).status).toBe(400)
    const waits = [(await throttleRow('sign-in', 'account', family.email))!.waitSeconds]
    for (let i = 0; i < 3; i++) {
      await waitIsOver('sign-in', 'account', family.email)
      expect((await signInOver(stranger, family.email, 'a guess after the wait')).status).toBe(400)
      waits.push((await throttleRow('sign-in', 'account', family.email))!.waitSeconds)
    }
    expect(waits).toEqual([1, 2, 4, 8])
    // However many guesses, never longer than the cap: a wait, not a lockout.
    await afterLongGuessing('sign-in', 'account', family.email)
    expect((await signInOver(stranger, family.email, 'guess 100001')).status).toBe(400)
    expect((await throttleRow('sign-in', 'account', family.email))!.waitSeconds).toBe(capSeconds)
    // Refused before the password is checked: even the right one is no use while the account waits.
    const refused = await signInOver(stranger, family.email, family.password)
    expect(refused.status).toBe(429)
    expect(refused.body).toContain('Too many attempts for this email or from this network. Please wait 15 minutes')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(capSeconds - 60)
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(capSeconds)
    // Another network gets no fresh allowance for the same account.
    expect((await signInOver(browser(), family.email, family.password)).status).toBe(429)
  })

  it('checks only the allowed guesses when many arrive at once, for an email with an account or without', async () => {
    for (const email of [(await newFamily()).email, `nobody-${randomUUID().slice(0, 8)}@family.example`]) {
      const stranger = browser()
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => signInOver(stranger, email, `parallel guess ${i}`)))
      const checked = answers.filter((a) => a.status === 400).length
      // The free ones, and one or two more should the first waits (a second, then two) end while they arrive.
      expect(checked, `${email}: ${answers.map((a) => a.status).join(' ')}`).toBeGreaterThanOrEqual(free)
      expect(checked).toBeLessThanOrEqual(free + 2)
      expect(answers.filter((a) => a.status === 429).length).toBe(20 - checked)
    }
  })

  it('slows one network guessing at many accounts, and no other network', async () => {
    const stranger = browser()
    const emails = Array.from(
      { length: SCHEDULES['sign-in'].network.free + 1 },
      (_, i) => `spray-${i}-${randomUUID().slice(0, 6)}@family.example`,
    )
    for (const email of emails.slice(0, -1)) expect((await signInOver(stranger, email, 'Password123')).status).toBe(400)
    expect(await throttleRow('sign-in', 'network', stranger.address)).toEqual({ attempts: emails.length - 1, waitSeconds: 1 })
    await afterLongGuessing('sign-in', 'network', stranger.address)
    expect((await signInOver(stranger, emails.at(-1)!, 'Password123')).status).toBe(400)
    expect((await signInOver(stranger, emails.at(-1)!, 'Password123')).status).toBe(429)
    expect((await signInOver(browser(), emails.at(-1)!, 'Password123')).status).toBe(400)
  })

  it('never locks a family out: their own browser signs in at once, and a reset lets them in anywhere', async () => {
    const family = await newFamily()
    const phone = browser()
    expect((await signInOver(phone, family.email, family.password)).status).toBe(302)
    const phoneSession = phone.cookies.get('caseway_session')!
    phone.cookies.delete('caseway_session') // signed out, the browser still remembers the account

    const stranger = browser()
    for (let i = 0; i < free; i++) expect((await signInOver(stranger, family.email, `guess ${i}`)).status).toBe(400)
    await afterLongGuessing('sign-in', 'account', family.email)
    expect((await signInOver(stranger, family.email, 'guess')).status).toBe(400)
    expect((await signInOver(stranger, family.email, 'guess')).status).toBe(429)
    expect((await signInOver(phone, family.email, family.password)).status).toBe(302)

    // A library computer is not theirs: it waits with the account, until they reset the password.
    const library = browser()
    expect((await signInOver(library, family.email, family.password)).status).toBe(429)
    expect((await library.post('/forgot-password', { email: family.email })).status).toBe(200)
    const mail = await stack.db.outboxEmail.findFirstOrThrow({ where: { to: family.email }, orderBy: { createdAt: 'desc' } })
    const link = new URL(/https?:\/\/\S+/.exec(mail.text)![0])
    const password = 'a new password for the family'
    const reset = await library.post('/reset-password', { token: link.searchParams.get('token')!, password, confirm: password })
    expect(reset.headers.location).toBe('/login')
    expect((await signInOver(library, family.email, password)).status).toBe(302)
    // The reset ended every session, the phone's too; the phone still signs in at once.
    expect(await signedIn(phone)).toBe(false)
    const before = browser()
    before.cookies.set('caseway_session', phoneSession)
    expect(await signedIn(before)).toBe(false)
    expect((await signInOver(phone, family.email, password)).status).toBe(302)
  })
})

describe('password reset requests', () => {
  const { free } = SCHEDULES['password-reset'].account
  const normalised = (answer: PortalAnswer, email: string) => ({
    status: answer.status,
    retryAfter: answer.headers['retry-after'],
    body: answer.body.replaceAll(email, 'EMAIL').replace(/nonce(="|-)[^"']+/g, 'nonce'),
  })

  it('are limited per email, and answer the same whether or not the email has an account', async () => {
    const family = await newFamily()
    const nobody = `nobody-${randomUUID().slice(0, 8)}@family.example`
    const answers: Record<string, ReturnType<typeof normalised>[]> = {}
    for (const email of [family.email, nobody]) {
      const client = browser()
      answers[email] = []
      for (let i = 0; i <= free; i++) answers[email].push(normalised(await client.post('/forgot-password', { email }), email))
    }
    expect(answers[family.email]!.map((a) => a.status)).toEqual([...Array<number>(free).fill(200), 429])
    expect(answers[family.email]).toEqual(answers[nobody])
    expect(answers[nobody]!.at(-1)!.body).toContain('Too many reset links were asked for this email or from this network')
    expect(await stack.db.outboxEmail.count({ where: { to: family.email } })).toBe(free)
    expect(await stack.db.outboxEmail.count({ where: { to: nobody } })).toBe(0)
  })

  it('are limited per network across emails', async () => {
    const client = browser()
    const emails = Array.from(
      { length: SCHEDULES['password-reset'].network.free + 1 },
      () => `reset-${randomUUID().slice(0, 8)}@family.example`,
    )
    for (const email of emails.slice(0, -1)) expect((await client.post('/forgot-password', { email })).status).toBe(200)
    expect((await client.post('/forgot-password', { email: emails.at(-1)! })).status).toBe(429)
  })
})

describe('sessions', () => {
  it('a sign-in ends the session the browser brought and starts another: the old id stops working', async () => {
    const shared = browser()
    expect((await signInOver(shared, people.family.email, TEST_PASSWORD)).status).toBe(302)
    const first = shared.cookies.get('caseway_session')!
    // Someone else signs in on the same computer (or the cookie was planted there).
    expect((await signInOver(shared, people.advocate.email, TEST_PASSWORD)).status).toBe(302)
    expect(shared.cookies.get('caseway_session')).not.toBe(first)
    const replay = browser()
    replay.cookies.set('caseway_session', first)
    expect(await signedIn(replay)).toBe(false)
    expect((await replay.get('/account')).headers.location).toBe('/login?redirectTo=%2Faccount')
    expect(await signedIn(shared)).toBe(true)
  })

  it('a password change ends every session of the person, this one too, and starts a new one here', async () => {
    const family = await newFamily()
    const [laptop, phone] = [browser(), browser()]
    for (const device of [laptop, phone]) expect((await signInOver(device, family.email, family.password)).status).toBe(302)
    const old = laptop.cookies.get('caseway_session')!
    const password = 'a changed family password'
    const changed = await laptop.post('/account', {
      intent: 'change-password',
      currentPassword: family.password,
      password,
      confirm: password,
    })
    expect(changed.status).toBe(302)
    expect(laptop.cookies.get('caseway_session')).not.toBe(old)
    expect(await signedIn(laptop)).toBe(true)
    expect(await signedIn(phone)).toBe(false)
    const replay = browser()
    replay.cookies.set('caseway_session', old)
    expect(await signedIn(replay)).toBe(false)
  })

  it('the current password asked before a change is counted like a sign-in', async () => {
    const family = await newFamily()
    const borrowed = browser()
    expect((await signInOver(borrowed, family.email, family.password)).status).toBe(302)
    const guess = (currentPassword: string) =>
      borrowed.post('/account', {
        intent: 'change-password',
        currentPassword,
        password: 'taken over account',
        confirm: 'taken over account',
      })
    for (let i = 0; i < SCHEDULES['sign-in'].device.free; i++) expect((await guess(`guess ${i}`)).status).toBe(400)
    expect((await throttleRow('sign-in', 'device', family.email))!.attempts).toBe(SCHEDULES['sign-in'].device.free)
    await afterLongGuessing('sign-in', 'device', family.email)
    expect((await guess('guess again')).status).toBe(400)
    expect((await guess(family.password)).status).toBe(429)
  })
})

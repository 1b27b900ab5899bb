/**
 * No secret reaches the logs. A production web server of its own, on the test
 * stack and logging everything (LOG_LEVEL=trace), is taken through sign-in
 * (wrong and right), the account page, a password change, a reset link asked for
 * and used, a reply, and API calls with a good and a bad key; then its whole
 * output is searched for every password, cookie, session id, token, key and
 * message typed. The services run inside the web server, so their lines are in
 * it too; the worker is never given any of these (workflow payloads carry ids).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../services/accounts.server.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { freePort, waitFor } from '../../scripts/lib/ports.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { PortalClient, signInOver } from '../support/portal-client.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let web: { url: string; child: ChildProcess; output: () => string }

/** A production web server on the test stack whose every log line (stdout and stderr) is kept. */
async function loggingWebServer() {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'web/server/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: stack.stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.stack.temporalAddress,
      TEMPORAL_NAMESPACE: stack.stack.namespace,
      TEMPORAL_TASK_QUEUE: stack.stack.taskQueue,
      PORT: String(port),
      SESSION_SECRET: randomUUID(),
      LOG_LEVEL: 'trace',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const chunks: string[] = []
  child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')))
  child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')))
  const url = `http://127.0.0.1:${port}`
  await waitFor(async () => (await fetch(`${url}/healthz`)).ok, `the logging web server on port ${port}`, 60_000)
  return { url, child, output: () => chunks.join('') }
}

beforeAll(async () => {
  stack = await connectToStack()
  web = await loggingWebServer()
})
afterAll(async () => {
  if (web?.child.exitCode === null) {
    const exited = new Promise((resolve) => web.child.once('exit', resolve))
    web.child.kill('SIGTERM')
    await exited
  }
  await stack?.close()
})

describe('the logs', () => {
  it('never hold a password, a cookie, a session id, a reset token, an API key or what a form carried', async () => {
    const people = await createTestOrganisation(stack.db)
    const secrets: Record<string, string> = {}
    const secret = (name: string, value: string) => (secrets[name] = value)
    const password = secret('first password', `first ${randomUUID()}`)
    const email = `logs-${randomUUID().slice(0, 8)}@family.example`
    const { user } = await createUser(stack.db, { orgSlug: people.org.slug, role: 'family', name: 'Logan Family', email, password })
    const ticket = await createTicket(stack.context, {
      orgId: people.org.id,
      requesterId: user.id,
      subject: 'Logs',
      type: 'ehcp',
      body: 'Help.',
    })
    const { key } = await createApiKey(stack.db, { orgId: people.org.id, name: 'Logs', createdById: people.admin.id, via: 'cli' })
    secret('API key', key)
    secret('unknown API key', `cwk_${randomUUID().replaceAll('-', '')}`)

    const browser = new PortalClient(web.url)
    expect((await signInOver(browser, email, secret('wrong password', `wrong ${randomUUID()}`))).status).toBe(400)
    const signedIn = await signInOver(browser, email, password)
    expect(signedIn.status).toBe(302)
    secret('session cookie', browser.cookies.get('caseway_session')!)
    secret('session id', (await stack.db.session.findFirstOrThrow({ where: { userId: user.id } })).id)
    secret('device cookie', browser.cookies.get('caseway_device')!)
    expect((await browser.get('/account')).status).toBe(200)
    const page = await browser.get(`/tickets/${people.org.slug}/${ticket.number}`)
    const reply = await browser.post(`/tickets/${people.org.slug}/${ticket.number}`, {
      submissionToken: /name="submissionToken" value="([^"]+)"/.exec(page.body)![1]!,
      intent: 'reply',
      visibility: 'public',
      body: secret('reply', `Our son's diagnosis ${randomUUID()}`),
    })
    expect(reply.status).toBe(302)
    const changed = secret('changed password', `changed ${randomUUID()}`)
    expect(
      (await browser.post('/account', { intent: 'change-password', currentPassword: password, password: changed, confirm: changed }))
        .status,
    ).toBe(302)
    secret('rotated session cookie', browser.cookies.get('caseway_session')!)

    expect((await browser.post('/forgot-password', { email })).status).toBe(200)
    const mail = await stack.db.outboxEmail.findFirstOrThrow({ where: { to: email } })
    const token = secret('reset token', new URL(/https?:\/\/\S+/.exec(mail.text)![0]).searchParams.get('token')!)
    expect((await browser.get(`/reset-password?${new URLSearchParams({ token })}`)).status).toBe(200)
    const reset = secret('reset password', `reset ${randomUUID()}`)
    expect((await browser.post('/reset-password', { token, password: reset, confirm: reset })).headers.location).toBe('/login')

    const api = (method: string, path: string, apiKey: string, body?: unknown) =>
      fetch(`${web.url}/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${apiKey}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      })
    expect((await api('GET', '/tickets', key)).status).toBe(200)
    const message = { author: { email }, body: secret('API message', `The tribunal date ${randomUUID()}`) }
    expect((await api('POST', `/tickets/${ticket.number}/messages`, key, message)).status).toBe(201)
    expect((await api('GET', '/tickets', secrets['unknown API key']!)).status).toBe(401)

    // The requests were logged (the last line may take a moment through the pipe), so their absence below means something.
    await eventually(async () => expect(web.output()).toContain('"statusCode":401'))
    const output = web.output()
    for (const line of ['"url":"/login"', '"url":"/account"', '"url":"/reset-password?token=[redacted]"', '"url":"/api/v1/tickets"'])
      expect(output).toContain(line)
    for (const [name, value] of Object.entries(secrets)) expect(output.includes(value), `the ${name} is in the logs`).toBe(false)
    expect(output).not.toMatch(/Bearer|caseway_session=|caseway_device=/)
  })
})

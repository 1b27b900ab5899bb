/**
 * Notices by mail, read back from the real mail catcher (MailDev's REST API) or,
 * where SMTP must be down or refuse, from an SMTP server the test plays
 * (smtp-server) for a worker of the test's own.
 */
import { randomUUID } from 'node:crypto'
import { Client } from '@temporalio/client'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEnv } from '../../lib/env.ts'
import { createLogger } from '../../lib/log.ts'
import { freePort } from '../../scripts/lib/ports.ts'
import { requestPasswordReset } from '../../services/password-reset.server.ts'
import { postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { bundleTicketWorkflows, runWorker } from '../../worker/run-worker.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { caughtMailSource, caughtMailTo } from '../support/mail-catcher.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
})
afterAll(async () => {
  await stack?.close()
})

type Ctx = StackConnection['context']
const request = (ctx: Ctx, subject: string, requesterId = people.family.id) =>
  createTicket(ctx, { orgId: people.org.id, requesterId, subject, type: 'ehcp', body: 'Please help' })
const reply = (ctx: Ctx, ticket: Awaited<ReturnType<typeof request>>, body: string, visibility: 'public' | 'internal' = 'public') =>
  postMessage(ctx, { ticket, author: people.advocate, role: 'staff', body, visibility })

describe('notices by mail, through the real catcher', () => {
  it("an advocate's public reply mails the family: [#n], both parts, a link, threading and list headers", async () => {
    const ticket = await request(stack.context, 'Mail me when you reply')
    expect((await reply(stack.context, ticket, 'We have read your request.')).status).toBe('applied')
    const [mail] = await eventually(async () => {
      const mails = (await caughtMailTo(people.family.email)).filter(
        (m) => m.subject === `[#${ticket.number}] New reply from your advocate`,
      )
      expect(mails).toHaveLength(1)
      return mails
    }, 30_000)
    // The stack's own PUBLIC_URL (localhost and its port), as people reach the portal.
    const link = `http://localhost:${new URL(stack.stack.webUrl).port}/tickets/${people.org.slug}/${ticket.number}`
    expect(mail!.text).toContain(`Sam Advocate replied to request #${ticket.number}`)
    expect(mail!.text).toContain(link)
    expect(mail!.html).toContain(`href="${link}"`)
    expect(mail!.html).toContain(`Sam Advocate replied to request #${ticket.number}`)
    // Long header lines are folded onto the next: unfolded, each header is one line.
    const source = (await caughtMailSource(mail!.id)).replace(/\r?\n[ \t]+/g, ' ')
    const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(source)?.[1]?.trim()
    expect(source).toMatch(/^Content-Type: text\/plain/im)
    expect(source).toMatch(/^Content-Type: text\/html/im)
    expect(header('Auto-Submitted')).toBe('auto-generated')
    expect(header('List-Unsubscribe')).toMatch(/^<http:\/\/localhost:\d+\/account#mail>$/)
    // The reply token, in the Reply-To and again in the Message-ID (lib/mail/reply-token.ts).
    const token = /^reply\+([A-Za-z0-9_-]{56})@caseway\.localhost$/.exec(header('Reply-To') ?? '')?.[1]
    expect(token).toBeDefined()
    expect(header('Message-ID')).toBe(
      `<notice-${/^<notice-([0-9a-f-]+)/.exec(header('Message-ID') ?? '')?.[1]}.${token}@caseway.localhost>`,
    )
    expect(header('In-Reply-To')).toBe(`<ticket-${ticket.id}@caseway.localhost>`)
    expect(header('References')).toBe(`<ticket-${ticket.id}@caseway.localhost>`)
  }, 60_000)

  it('an internal note sends the family nothing, and no mail shows staff-only words', async () => {
    const ticket = await request(stack.context, 'Notes stay inside')
    await reply(stack.context, ticket, 'A first public answer.')
    await eventually(async () => {
      expect((await caughtMailTo(people.family.email)).filter((m) => m.subject.startsWith(`[#${ticket.number}] New reply`))).toHaveLength(1)
    }, 30_000)
    const secret = `internal-${randomUUID()}`
    expect((await reply(stack.context, ticket, `Staff only: ${secret}`, 'internal')).status).toBe('applied')
    // A later public reply's mail arrives after anything the note could have sent.
    await reply(stack.context, ticket, 'A second public answer.')
    await eventually(async () => {
      expect((await caughtMailTo(people.family.email)).filter((m) => m.subject.startsWith(`[#${ticket.number}] New reply`))).toHaveLength(2)
    }, 30_000)
    const familyMail = (await caughtMailTo(people.family.email)).filter((m) => m.subject.startsWith(`[#${ticket.number}]`))
    expect(familyMail.length).toBeGreaterThan(0)
    for (const mail of familyMail) expect(`${mail.subject}${mail.text}${mail.html}`).not.toContain(secret)
  }, 90_000)

  it('account mail goes through the same delivery: a password reset link arrives in the catcher', async () => {
    await requestPasswordReset(stack.context, people.advocate.email)
    const mail = await eventually(async () => {
      const mails = (await caughtMailTo(people.advocate.email)).filter((m) => m.subject === 'Reset your Caseway password')
      expect(mails).toHaveLength(1)
      return mails[0]!
    }, 30_000)
    const link = /https?:\/\/\S+\/reset-password\S*/.exec(mail.text)?.[0]
    expect(link).toBeDefined()
    expect(mail.html).toContain(`href="${link!.replaceAll('&', '&amp;')}"`)
    expect(await stack.db.outboxEmail.findFirstOrThrow({ where: { to: people.advocate.email } })).toMatchObject({
      sentAt: expect.any(Date),
    })
  }, 60_000)

  it('a family who chose "in the app only" for replies gets the notice in the app and no mail', async () => {
    await stack.db.user.update({ where: { id: people.otherFamily.id }, data: { mailChoices: { replies: 'in_app' } } })
    const ticket = await request(stack.context, 'No mail for me', people.otherFamily.id)
    await reply(stack.context, ticket, 'Answered in the app.')
    await eventually(async () => {
      expect(
        await stack.db.notification.count({ where: { userId: people.otherFamily.id, ticketId: ticket.id, kind: 'staff_replied' } }),
      ).toBe(1)
    })
    // Its status notice (who the advocate is) still comes: a reply's mail would have been sent beside it.
    await eventually(async () => {
      expect((await caughtMailTo(people.otherFamily.email)).filter((m) => m.subject === `[#${ticket.number}] Your advocate`)).toHaveLength(
        1,
      )
    }, 30_000)
    expect((await caughtMailTo(people.otherFamily.email)).filter((m) => m.subject.includes('New reply'))).toEqual([])
  }, 60_000)
})

/** An SMTP server the test plays: it can be down (not listening), accept, or refuse every recipient with a 5xx. */
async function playedSmtpServer(port: number) {
  const received: ParsedMail[] = []
  let refuse = false
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (refuse) return callback(Object.assign(new Error('5.1.1 No such mailbox here'), { responseCode: 550 }))
      callback()
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail)
          callback()
        },
        (error: Error) => callback(error),
      )
    },
  })
  return {
    received,
    refuseEveryone: () => (refuse = true),
    listen: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('a worker whose SMTP server is down, then back, or refusing', () => {
  let smtp: Awaited<ReturnType<typeof playedSmtpServer>>
  let ctx: Ctx
  const stopWorker = new AbortController()
  let worker: Promise<void>

  beforeAll(async () => {
    const port = await freePort()
    smtp = await playedSmtpServer(port)
    // Its own task queue: the tickets made here and their mail run on this worker alone.
    const env = parseEnv({
      ...process.env,
      DATABASE_URL: stack.stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.stack.temporalAddress,
      TEMPORAL_NAMESPACE: stack.stack.namespace,
      TEMPORAL_TASK_QUEUE: `mail-test-${randomUUID()}`,
      PUBLIC_URL: stack.stack.webUrl,
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      // Its sweep must leave the shared stack's unsaved tickets to the stack's own worker.
      SWEEP_GRACE_SECONDS: '86400',
    })
    ctx = { ...stack.context, env, temporal: new Client({ connection: stack.temporal.connection, namespace: env.TEMPORAL_NAMESPACE }) }
    const workflowBundle = await bundleTicketWorkflows()
    let running!: () => void
    const polling = new Promise<void>((resolve) => (running = resolve))
    worker = runWorker({
      env,
      log: createLogger('mail-test-worker', 'silent'),
      signal: stopWorker.signal,
      workflowBundle,
      onRunning: running,
    })
    await polling
  }, 120_000)
  afterAll(async () => {
    stopWorker.abort()
    await worker
    await smtp?.close()
  })

  it('answers the ticket at once while SMTP is down, and the mail arrives exactly once after it is back', async () => {
    const ticket = await request(ctx, 'While the mail server is down')
    const started = Date.now()
    expect((await reply(ctx, ticket, 'Sent while SMTP is down.')).status).toBe('applied')
    expect(Date.now() - started).toBeLessThan(5_000)
    // Attempts fail (nothing listens) and are retried: the first waits are 5 s, then 10 s.
    await new Promise((resolve) => setTimeout(resolve, 6_000))
    await smtp.listen()
    const mail = await eventually(async () => {
      const mails = smtp.received.filter((m) => m.subject === `[#${ticket.number}] New reply from your advocate`)
      expect(mails).toHaveLength(1)
      return mails[0]!
    }, 60_000)
    expect(mail.text).toContain(`replied to request #${ticket.number}`)
    expect(mail.html).toContain('<a href=')
    const notice = await stack.db.notification.findFirstOrThrow({ where: { ticketId: ticket.id, kind: 'staff_replied' } })
    expect(notice.mailedAt).not.toBeNull()
    // No second copy comes later (the retries stopped once it was accepted).
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    expect(
      smtp.received.filter((m) => m.subject === mail.subject && m.to && JSON.stringify(m.to).includes(people.family.email)),
    ).toHaveLength(1)
  }, 120_000)

  it('records a permanent (5xx) refusal on the person, for admins to see', async () => {
    smtp.refuseEveryone()
    const ticket = await request(ctx, 'To an address that does not exist', people.otherFamily.id)
    await stack.db.user.update({ where: { id: people.otherFamily.id }, data: { mailChoices: {} } })
    await reply(ctx, ticket, 'This mail bounces.')
    const person = await eventually(async () => {
      const row = await stack.db.user.findUniqueOrThrow({ where: { id: people.otherFamily.id } })
      expect(row.mailProblem).toMatch(/^550 /)
      return row
    }, 30_000)
    expect(person.mailProblem).toContain('No such mailbox')
    expect(person.mailProblemAt).not.toBeNull()
  }, 60_000)
})

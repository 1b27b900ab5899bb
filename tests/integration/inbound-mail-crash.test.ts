/**
 * An inbound mail acknowledged is never lost: a mail listener, or a web server
 * taking the provider webhook, that dies (as `kill -9` would) after its 250 or
 * 202 and before processing the mail leaves it stored, and the worker's sweep
 * processes it: the reply lands on its ticket exactly once. Each runs a process
 * of its own with the crash point set (lib/faults.ts), on the shared test stack.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { replyAddress, signReplyToken } from '../../lib/mail/reply-token.ts'
import { freePort, portInUse, waitFor } from '../../scripts/lib/ports.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { postToWebhook, sendToListener } from '../support/inbound-mail.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let secret: string

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  secret = (await readFile(path.join(inject('stack').dataDir, 'inbound-token-secret'), 'utf8')).trim()
})
afterAll(async () => {
  await stack?.close()
})

/** A process of the stack's (the listener or the web server) that kills itself just after acknowledging a mail. */
async function crashing(script: 'mail-listener/main.ts' | 'web/server/main.ts') {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      CASEWAY_FAULT: 'inbound-mail-processing',
      DATABASE_URL: inject('stack').databaseUrl,
      TEMPORAL_ADDRESS: inject('stack').temporalAddress,
      TEMPORAL_NAMESPACE: inject('stack').namespace,
      TEMPORAL_TASK_QUEUE: inject('stack').taskQueue,
      INBOUND_SMTP_PORT: String(port),
      PORT: String(port),
      INBOUND_TOKEN_SECRET: secret,
      INBOUND_WEBHOOK_SECRET: inject('stack').inboundWebhookSecret,
      SESSION_SECRET: randomUUID(),
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  await waitFor(() => portInUse(port), `the crashing ${script} on port ${port}`, 60_000)
  return { port, exited }
}

async function replyTo(subject: string) {
  const ticket = await createTicket(stack.context, {
    orgId: people.org.id,
    requesterId: people.family.id,
    subject,
    type: 'ehcp',
    body: 'Help',
  })
  return {
    ticket,
    to: replyAddress(signReplyToken(secret, { ticketId: ticket.id, userId: people.family.id }), inject('stack').inboundDomain),
  }
}

async function landsOnce(ticketId: string, body: string) {
  await eventually(async () => {
    const messages = await stack.db.message.findMany({ where: { ticketId, body } })
    expect(messages).toHaveLength(1)
    expect(messages[0]!.recordedAt).not.toBeNull()
    const rows = await stack.db.inboundMail.findMany({ where: { ticketId } })
    expect(rows.map((row) => [row.state, row.outcome])).toEqual([['processed', 'posted']])
  }, 90_000)
}

describe('a process that dies after acknowledging a mail', () => {
  it('the listener, after its 250: the sweep delivers the reply, exactly once', async () => {
    const listener = await crashing('mail-listener/main.ts')
    const { ticket, to } = await replyTo(`Listener crash ${randomUUID()}`)
    const body = `Sent before the crash ${randomUUID()}`
    const sent = await sendToListener({ from: people.family.email, to, subject: 'Re: crash', text: body }, listener.port)
    expect(sent.response).toMatch(/^250/)
    expect(await listener.exited).toBe('SIGKILL')
    expect(await stack.db.inboundMail.findFirst({ where: { rcptTo: { has: to } }, select: { state: true } })).toEqual({ state: 'received' })
    await landsOnce(ticket.id, body)
  }, 180_000)

  it('the web server, after the webhook’s 202: the sweep delivers the reply, exactly once', async () => {
    const web = await crashing('web/server/main.ts')
    const { ticket, to } = await replyTo(`Webhook crash ${randomUUID()}`)
    const body = `Posted before the crash ${randomUUID()}`
    const raw = [
      `From: ${people.family.email}`,
      `To: ${to}`,
      'Subject: Re: crash',
      `Message-ID: <${randomUUID()}@family.example>`,
      '',
      body,
      '',
    ].join('\r\n')
    const response = await postToWebhook(raw, { 'X-Inbound-Secret': inject('stack').inboundWebhookSecret }, `http://127.0.0.1:${web.port}`)
    expect(response.status).toBe(202)
    expect(await web.exited).toBe('SIGKILL')
    await landsOnce(ticket.id, body)
  }, 180_000)
})

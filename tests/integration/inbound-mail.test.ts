/**
 * Replies and requests by mail, against the real stack: the notice mail read
 * from the mail catcher, the answer sent over SMTP to Caseway's own listener
 * (or posted to the provider webhook), and what became of it read back from the
 * database. One test per outcome of services/inbound-mail.server.ts.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { REPLY_MARKER } from '../../lib/mail/templates.tsx'
import { assign, changeStatus, postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { familyMarker } from '../../web/app/utils/format.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { headersOf, postToWebhook, refusalOf, sendToListener } from '../support/inbound-mail.ts'
import { caughtMailTo } from '../support/mail-catcher.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
const domain = inject('stack').inboundDomain
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
})
afterAll(async () => {
  await stack?.close()
})

type Ticket = Awaited<ReturnType<typeof createTicket>>

async function answeredTicket(subject: string): Promise<{ ticket: Ticket; replyTo: string; messageId: string; text: string }> {
  const ticket = await createTicket(stack.context, {
    orgId: people.org.id,
    requesterId: people.family.id,
    subject,
    type: 'ehcp',
    body: 'Help',
  })
  expect(
    (
      await postMessage(stack.context, {
        ticket,
        author: people.advocate,
        role: 'staff',
        body: 'Please send the letter.',
        visibility: 'public',
      })
    ).status,
  ).toBe('applied')
  const mail = await eventually(async () => {
    const mails = (await caughtMailTo(people.family.email)).filter((m) => m.subject === `[#${ticket.number}] New reply from your advocate`)
    expect(mails).toHaveLength(1)
    return mails[0]!
  }, 30_000)
  const header = await headersOf(mail)
  return { ticket, replyTo: header('Reply-To')!, messageId: header('Message-ID')!, text: mail.text }
}

/** The answer as a mail client writes it: the reply, then the original quoted below its attribution line. */
function quoting(original: string, reply: string): string {
  const quoted = original
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n')
  return `${reply}\n\nOn Wed, 2 Dec 2026 at 10:00, Caseway <no-reply@caseway.localhost> wrote:\n${quoted}\n`
}

const inbound = (where: object) =>
  eventually(async () => {
    const row = await stack.db.inboundMail.findFirst({ where: { ...where, state: { not: 'received' } } })
    expect(row).not.toBeNull()
    return row!
  }, 30_000)

const messagesOn = (ticketId: string) =>
  stack.db.message.findMany({ where: { ticketId }, orderBy: { createdAt: 'asc' }, include: { attachments: true } })

describe('a family answers a notice by mail', () => {
  it('the reply lands on the ticket without the quoted text, with its file, and the ticket shows "Family replied"', async () => {
    const { ticket, replyTo, messageId, text } = await answeredTicket(`Reply by mail ${randomUUID()}`)
    expect(replyTo).toMatch(new RegExp(`^reply\\+[A-Za-z0-9_-]{56}@${domain.replaceAll('.', '\\.')}$`))
    expect(messageId).toContain(replyTo.slice('reply+'.length, replyTo.indexOf('@')))
    expect(text).toContain(REPLY_MARKER)
    const mailId = `<${randomUUID()}@family.example>`
    await sendToListener({
      from: people.family.email,
      to: replyTo,
      subject: `Re: [#${ticket.number}] New reply from your advocate`,
      messageId: mailId,
      inReplyTo: messageId,
      references: [messageId],
      text: quoting(text, 'Here is the letter you asked for.\n\nFran'),
      attachments: [{ filename: 'letter.pdf', content: PDF, contentType: 'application/pdf' }],
    })
    const row = await inbound({ messageKey: `id:${mailId.toLowerCase()}` })
    expect(row).toMatchObject({ state: 'processed', outcome: 'posted', ticketId: ticket.id })
    const message = await eventually(async () => {
      const messages = (await messagesOn(ticket.id)).filter((m) => m.authorId === people.family.id && m.id === row.messageId)
      expect(messages).toHaveLength(1)
      return messages[0]!
    })
    expect(message.body).toBe('Here is the letter you asked for.\n\nFran')
    expect(message.visibility).toBe('public')
    expect(message.attachments.map((file) => [file.filename, file.contentType])).toEqual([['letter.pdf', 'application/pdf']])
    await eventually(async () => {
      const saved = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
      expect(saved.status).toBe('in_progress')
      expect(familyMarker(saved.status, saved.awaiting, saved.reopenedByFamily)).toBe('Family replied')
    })
    // The raw mail is kept for staff.
    expect(Buffer.from(row.raw).toString()).toContain('Here is the letter you asked for.')
  }, 120_000)

  it('the same mail sent twice (a sender that never saw the 250) is stored and posted once', async () => {
    const { ticket, replyTo } = await answeredTicket(`Sent twice ${randomUUID()}`)
    const mail = {
      from: people.family.email,
      to: replyTo,
      subject: 'Re: twice',
      messageId: `<${randomUUID()}@family.example>`,
      text: 'Once only.',
    }
    await sendToListener(mail)
    await sendToListener(mail)
    await inbound({ ticketId: ticket.id, outcome: 'posted' })
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    expect((await messagesOn(ticket.id)).filter((m) => m.body === 'Once only.')).toHaveLength(1)
  }, 120_000)
})

describe('every other outcome of a mail', () => {
  it('an HTML-only reply from a staff member with their own token becomes a public reply', async () => {
    const ticket = await createTicket(stack.context, {
      orgId: people.org.id,
      requesterId: people.family.id,
      subject: `Staff by mail ${randomUUID()}`,
      type: 'ehcp',
      body: 'Help',
    })
    // The advocate's token, as their own notice mail carries it (the workflow signs the same way).
    const { signReplyToken, replyAddress } = await import('../../lib/mail/reply-token.ts')
    const secret = await inboundSecret()
    const to = replyAddress(signReplyToken(secret, { ticketId: ticket.id, userId: people.advocate.id }), domain)
    await sendToListener({ from: people.advocate.email, to, subject: 'Re: help', html: '<p>We will call you <b>tomorrow</b>.</p>' })
    const row = await inbound({ ticketId: ticket.id })
    expect(row.outcome).toBe('posted')
    const message = (await messagesOn(ticket.id)).find((m) => m.id === row.messageId)!
    expect(message).toMatchObject({ authorId: people.advocate.id, visibility: 'public' })
    expect(message.body).toMatch(/^We will call you tomorrow\.?$/i)
  }, 90_000)

  it('another sender on a valid token: an internal note marked "unverified sender", never posted as the family', async () => {
    const { ticket, replyTo } = await answeredTicket(`Forwarded ${randomUUID()}`)
    await sendToListener({ from: 'stranger@elsewhere.example', to: replyTo, subject: 'Re: x', text: 'I am not the family.' })
    const row = await inbound({ ticketId: ticket.id })
    expect(row.outcome).toBe('unverified_note')
    const note = (await messagesOn(ticket.id)).find((m) => m.id === row.messageId)!
    expect(note.visibility).toBe('internal')
    expect(note.authorId).not.toBe(people.family.id)
    expect(note.body).toContain('Unverified sender: stranger@elsewhere.example')
    expect(note.body).toContain('I am not the family.')
  }, 90_000)

  it('a reply to a closed ticket starts a linked follow-up, as the portal does', async () => {
    const { ticket, replyTo } = await answeredTicket(`Closed then answered ${randomUUID()}`)
    expect((await changeStatus(stack.context, { ticket, actor: people.advocate, status: 'closed' })).status).toBe('applied')
    await sendToListener({ from: people.family.email, to: replyTo, subject: 'Re: closed', text: 'We need help again.' })
    const row = await inbound({ outcome: 'followed_up', detail: null, ticketId: { not: ticket.id }, sender: people.family.email })
    const followUp = await stack.db.ticket.findUniqueOrThrow({ where: { id: row.ticketId! }, include: { messages: true } })
    expect(followUp).toMatchObject({ followUpOfId: ticket.id, subject: `Follow-up to #${ticket.number}`, requesterId: people.family.id })
    expect(followUp.messages.map((m) => m.body)).toEqual(['We need help again.'])
  }, 90_000)

  it('mail to the organisation’s address from a known family opens a ticket in the default department', async () => {
    const subject = `Help by mail ${randomUUID()}`
    await sendToListener({ from: people.otherFamily.email, to: `${people.org.slug}@${domain}`, subject, text: 'Our EHCP is late.' })
    const row = await inbound({ outcome: 'ticket_created', sender: people.otherFamily.email })
    const ticket = await stack.db.ticket.findUniqueOrThrow({ where: { id: row.ticketId! }, include: { messages: true, org: true } })
    expect(ticket).toMatchObject({ subject, requesterId: people.otherFamily.id, orgId: people.org.id })
    expect(ticket.departmentId).toBe(ticket.org.defaultDepartmentId)
    expect(ticket.messages.map((m) => m.body)).toEqual(['Our EHCP is late.'])
  }, 90_000)

  it('mail to the organisation’s address from a family with an open case goes to their advocate and joins the case', async () => {
    const team = await createTestOrganisation(stack.db)
    const first = await createTicket(stack.context, {
      orgId: team.org.id,
      requesterId: team.family.id,
      subject: 'Our first request',
      type: 'ehcp',
      body: 'The council has not replied.',
    })
    const assigned = await assign(stack.context, { ticket: first, actor: team.admin, assigneeId: team.advocate.id })
    expect(assigned.status).toBe('applied')
    const kase = await eventually(async () => {
      const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: first.id }, select: { caseId: true } })
      expect(row.caseId).not.toBeNull()
      return row.caseId
    }, 30_000)
    await sendToListener({ from: team.family.email, to: `${team.org.slug}@${domain}`, subject: 'One more thing', text: 'The school rang.' })
    const row = await inbound({ outcome: 'ticket_created', sender: team.family.email })
    const ticket = await eventually(async () => {
      const created = await stack.db.ticket.findUniqueOrThrow({ where: { id: row.ticketId! } })
      expect(created).toMatchObject({ assigneeId: team.advocate.id, caseId: kase })
      return created
    }, 30_000)
    expect(ticket.status).toBe('in_progress')
  }, 90_000)

  it('mail to the organisation’s address from someone unknown: an invitation, no ticket, no account', async () => {
    const stranger = `new-${randomUUID().slice(0, 8)}@family.example`
    await sendToListener({ from: stranger, to: `${people.org.slug}@${domain}`, subject: 'Can you help?', text: 'Hello' })
    const row = await inbound({ sender: stranger })
    expect(row).toMatchObject({ state: 'processed', outcome: 'invited', ticketId: null })
    const invitation = await eventually(async () => {
      const mails = await caughtMailTo(stranger)
      expect(mails).toHaveLength(1)
      return mails[0]!
    }, 30_000)
    expect(invitation.text).toContain(`/orgs/${people.org.slug}/request`)
    expect(await stack.db.user.count({ where: { email: stranger } })).toBe(0)
  }, 90_000)

  it('a forged or altered token is refused at RCPT (550) and nothing is stored', async () => {
    const { replyTo } = await answeredTicket(`Forged ${randomUUID()}`)
    const token = replyTo.slice('reply+'.length, replyTo.indexOf('@'))
    const altered = `reply+${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}@${domain}`
    const messageId = `<${randomUUID()}@family.example>`
    for (const to of [altered, `reply+${'A'.repeat(56)}@${domain}`, `reply+short@${domain}`]) {
      const refusal = await refusalOf({ from: people.family.email, to, subject: 'Re: x', text: 'Hello', messageId })
      expect(refusal?.responseCode).toBe(550)
      expect(refusal?.response).toMatch(/reply address is not valid/)
    }
    expect(await stack.db.inboundMail.count({ where: { messageKey: `id:${messageId.toLowerCase()}` } })).toBe(0)
  }, 90_000)

  it('mail for another domain is refused at RCPT (no open relay)', async () => {
    const refusal = await refusalOf({ from: people.family.email, to: 'someone@gmail.example', subject: 'x', text: 'x' })
    expect(refusal?.responseCode).toBe(550)
  })

  it('auto-replies, bounces and lists are stored, and never posted', async () => {
    const { ticket, replyTo } = await answeredTicket(`Out of office ${randomUUID()}`)
    const cases = [
      { headers: { 'Auto-Submitted': 'auto-replied' }, reason: /Auto-Submitted/ },
      { headers: { Precedence: 'bulk' }, reason: /Precedence/ },
      { headers: { 'X-Autoreply': 'yes' }, reason: /x-autoreply/ },
      { headers: {}, envelope: { from: '', to: [replyTo] }, reason: /bounce/ },
    ]
    for (const { headers, envelope, reason } of cases) {
      const messageId = `<${randomUUID()}@family.example>`
      await sendToListener({
        from: people.family.email,
        to: replyTo,
        subject: 'Out of office',
        text: 'I am away.',
        headers,
        envelope,
        messageId,
      })
      const row = await inbound({ messageKey: `id:${messageId.toLowerCase()}` })
      expect(row).toMatchObject({ state: 'rejected', outcome: 'automatic' })
      expect(row.detail).toMatch(reason)
    }
    expect((await messagesOn(ticket.id)).filter((m) => m.body.includes('I am away'))).toEqual([])
  }, 120_000)

  it('a sender over the hourly limit is stored and not posted', async () => {
    const sender = `busy-${randomUUID().slice(0, 8)}@family.example`
    const limit = stack.context.env.INBOUND_RATE_PER_HOUR
    // Earlier mails of the hour, as stored rows.
    await stack.db.inboundMail.createMany({
      data: Array.from({ length: limit }, (_, i) => ({
        messageKey: `id:<busy-${i}-${sender}>`,
        raw: new Uint8Array(Buffer.from('x')),
        via: 'smtp',
        sender,
        state: 'rejected',
        outcome: 'no_recipient',
      })),
    })
    await sendToListener({ from: sender, to: `${people.org.slug}@${domain}`, subject: 'Again', text: 'Again' })
    const row = await inbound({ sender, state: 'rejected', outcome: 'rate_limited' })
    expect(row.ticketId).toBeNull()
  }, 60_000)

  it('an oversized mail gets 552 from the listener and 413 from the webhook', async () => {
    const big = 'x'.repeat(inject('stack').inboundMaxBytes + 1024)
    const refusal = await refusalOf({ from: people.family.email, to: `${people.org.slug}@${domain}`, subject: 'Big', text: big })
    expect(refusal?.responseCode).toBe(552)
    const response = await postToWebhook(`From: a@b.example\r\nSubject: big\r\n\r\n${big}`, {
      'X-Inbound-Secret': inject('stack').inboundWebhookSecret,
    })
    expect(response.status).toBe(413)
  }, 60_000)

  it('a malformed mail is stored as rejected', async () => {
    const response = await postToWebhook(`this is not a mail at all ${randomUUID()}`, {
      'X-Inbound-Secret': inject('stack').inboundWebhookSecret,
    })
    expect(response.status).toBe(202)
    const { id } = (await response.json()) as { id: string }
    expect(await inbound({ id })).toMatchObject({ state: 'rejected', outcome: 'malformed' })
  })
})

describe('the provider webhook', () => {
  const mail = (messageId: string) =>
    [
      `From: ${people.otherFamily.email}`,
      `To: ${people.org.slug}@${domain}`,
      'Subject: By webhook',
      `Message-ID: ${messageId}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Sent through the provider.',
      '',
    ].join('\r\n')

  it('refuses a missing or wrong secret with 401', async () => {
    expect((await postToWebhook(mail(`<${randomUUID()}@x>`))).status).toBe(401)
    expect((await postToWebhook(mail(`<${randomUUID()}@x>`), { 'X-Inbound-Secret': 'wrong-secret-0123456789' })).status).toBe(401)
    const basic = `Basic ${Buffer.from('inbound:wrong-secret-0123456789').toString('base64')}`
    expect((await postToWebhook(mail(`<${randomUUID()}@x>`), { Authorization: basic })).status).toBe(401)
  })

  it('stores a mail to a forged reply address as rejected, with its reason (a webhook cannot refuse per recipient)', async () => {
    const messageId = `<${randomUUID()}@provider.example>`
    const raw = [
      `From: ${people.family.email}`,
      `To: reply+${'A'.repeat(56)}@${domain}`,
      'Subject: Re: x',
      `Message-ID: ${messageId}`,
      '',
      'Hi',
      '',
    ].join('\r\n')
    expect((await postToWebhook(raw, { 'X-Inbound-Secret': inject('stack').inboundWebhookSecret })).status).toBe(202)
    expect(await inbound({ messageKey: `id:${messageId.toLowerCase()}` })).toMatchObject({ state: 'rejected', outcome: 'forged_token' })
  })

  it('takes the raw mail with the secret (header or Basic) into the same pipeline, once', async () => {
    const messageId = `<${randomUUID()}@provider.example>`
    const basic = `Basic ${Buffer.from(`inbound:${inject('stack').inboundWebhookSecret}`).toString('base64')}`
    const first = await postToWebhook(mail(messageId), { Authorization: basic })
    expect(first.status).toBe(202)
    const again = await postToWebhook(mail(messageId), { 'X-Inbound-Secret': inject('stack').inboundWebhookSecret })
    expect(await again.json()).toMatchObject({ duplicate: true })
    const row = await inbound({ messageKey: `id:${messageId.toLowerCase()}` })
    expect(row).toMatchObject({ via: 'webhook', outcome: 'ticket_created' })
  }, 60_000)
})

/** The stack's token secret, as npm start generated it into the data folder for its children. */
async function inboundSecret(): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  const path = await import('node:path')
  return (await readFile(path.join(inject('stack').dataDir, 'inbound-token-secret'), 'utf8')).trim()
}

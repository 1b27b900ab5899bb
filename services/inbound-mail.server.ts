/**
 * Inbound mail, from Caseway's SMTP listener (mail-listener/) or a provider's
 * webhook (POST /inbound/mail): one pipeline. A mail is first stored as it came
 * (an InboundMail row with its raw bytes, unique on its Message-ID, so a mail
 * sent again is stored once), and only then acknowledged. The process that
 * stored it processes it at once; one that died first leaves the row received,
 * and the worker's sweep processes it after the grace period. Processing ends in
 * one outcome, written on the row (docs/decisions/012-inbound-mail.md).
 */
import { createHash } from 'node:crypto'
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser'
import { SUBJECT_MAX } from '../domain/limits.ts'
import { isStaffRole, type Role } from '../domain/ticket.ts'
import { crashPoint } from '../lib/faults.ts'
import { tokenOfAddress, tokensInReferences, verifyReplyToken } from '../lib/mail/reply-token.ts'
import { checkUpload, MAX_FILES, type Upload } from './attachments.server.ts'
import type { ServiceContext } from './context.ts'
import { automaticMailReason, replyBody } from './inbound-reply.server.ts'
import { queueEmail } from './outbox.server.ts'
import { createTicket, TicketServiceError } from './ticket-creation.server.ts'
import { assignToFamilysAdvocate } from './auto-assignment.server.ts'
import { postMessage, postMessageOrFollowUp, type TicketCommandResult } from './ticket-commands.server.ts'

/** How long the process that took a mail has to process it before the sweep may. */
const CLAIM_MS = 30_000
const SUBJECT_FALLBACK = 'Request by email'

export type InboundOutcome =
  | 'posted'
  | 'unverified_note'
  | 'followed_up'
  | 'ticket_created'
  | 'invited'
  | 'forged_token'
  | 'automatic'
  | 'rate_limited'
  | 'malformed'
  | 'no_recipient'
  | 'staff_sender'
  | 'refused'
  | 'empty'

interface Settled {
  outcome: InboundOutcome
  detail?: string
  ticketId?: string
  messageId?: string
}

export interface StoredMail {
  id: string
  /** false: the same Message-ID was stored before; the sender may be told it arrived. */
  created: boolean
}

/** The Message-ID from the header block, or a digest of the bytes when there is none. */
function messageKeyOf(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n')
  const head = raw.subarray(0, end === -1 ? Math.min(raw.length, 64 * 1024) : end).toString('latin1')
  const id = /^message-id:\s*(<[^>\s]{1,900}>)/im.exec(head)?.[1]
  return id ? `id:${id.toLowerCase()}` : `sha256:${createHash('sha256').update(raw).digest('hex')}`
}

/** Stores a mail durably; resolves only once it is committed. The caller then acknowledges it and calls processStoredMail. */
export async function storeInboundMail(
  ctx: Pick<ServiceContext, 'db'>,
  input: { raw: Buffer; via: 'smtp' | 'webhook'; mailFrom?: string | null; rcptTo?: string[] },
): Promise<StoredMail> {
  const messageKey = messageKeyOf(input.raw)
  const { count } = await ctx.db.inboundMail.createMany({
    data: [
      {
        messageKey,
        raw: new Uint8Array(input.raw),
        via: input.via,
        mailFrom: input.mailFrom ?? null,
        // As given: a reply token is case-sensitive.
        rcptTo: input.rcptTo ?? [],
        claimedUntil: new Date(Date.now() + CLAIM_MS),
      },
    ],
    skipDuplicates: true,
  })
  const row = await ctx.db.inboundMail.findUniqueOrThrow({ where: { messageKey }, select: { id: true } })
  return { id: row.id, created: count > 0 }
}

/** Processes a mail this process stored (and so holds); never throws: a failure leaves it for the sweep. */
export async function processStoredMail(ctx: ServiceContext, id: string): Promise<void> {
  try {
    await processInboundMail(ctx, id)
  } catch (error) {
    ctx.log.error({ err: error, inboundMailId: id }, 'inbound mail not processed; the sweep tries again')
  }
}

/** The sweep: every mail still received whose claim lapsed, oldest first; answers how many it settled. */
export async function processWaitingInboundMail(ctx: ServiceContext, input: { olderThanMs: number; limit?: number }): Promise<number> {
  const now = Date.now()
  const waiting = await ctx.db.inboundMail.findMany({
    where: {
      state: 'received',
      receivedAt: { lt: new Date(now - input.olderThanMs) },
      OR: [{ claimedUntil: null }, { claimedUntil: { lt: new Date(now) } }],
    },
    orderBy: { receivedAt: 'asc' },
    take: input.limit ?? 20,
    select: { id: true },
  })
  let settled = 0
  for (const { id } of waiting) {
    const claimed = await ctx.db.inboundMail.updateMany({
      where: { id, state: 'received', OR: [{ claimedUntil: null }, { claimedUntil: { lt: new Date() } }] },
      data: { claimedUntil: new Date(Date.now() + CLAIM_MS) },
    })
    if (claimed.count === 0) continue
    await processInboundMail(ctx, id)
    settled++
  }
  return settled
}

async function processInboundMail(ctx: ServiceContext, id: string): Promise<void> {
  const row = await ctx.db.inboundMail.findUniqueOrThrow({ where: { id } })
  if (row.state !== 'received') return
  crashPoint(ctx.env, 'inbound-mail-processing')
  const settled = await outcomeOf(ctx, row)
  const rejected = !['posted', 'unverified_note', 'followed_up', 'ticket_created', 'invited'].includes(settled.outcome)
  await ctx.db.inboundMail.update({
    where: { id },
    data: {
      state: rejected ? 'rejected' : 'processed',
      outcome: settled.outcome,
      detail: settled.detail?.slice(0, 500) ?? null,
      ticketId: settled.ticketId ?? null,
      messageId: settled.messageId ?? null,
      processedAt: new Date(),
      claimedUntil: null,
    },
  })
  ctx.log[rejected ? 'warn' : 'info']({ inboundMailId: id, outcome: settled.outcome, detail: settled.detail }, 'inbound mail processed')
}

type Row = { id: string; raw: Uint8Array; mailFrom: string | null; rcptTo: string[]; receivedAt: Date }

async function outcomeOf(ctx: ServiceContext, row: Row): Promise<Settled> {
  let parsed: ParsedMail
  try {
    parsed = await simpleParser(Buffer.from(row.raw))
  } catch (error) {
    return { outcome: 'malformed', detail: (error as Error).message }
  }
  const sender = parsed.from?.value[0]?.address?.toLowerCase()
  if (!sender || !sender.includes('@')) return { outcome: 'malformed', detail: 'no From address' }
  await ctx.db.inboundMail.update({ where: { id: row.id }, data: { sender } })
  const automatic = automaticMailReason(parsed.headers, row.mailFrom)
  if (automatic) return { outcome: 'automatic', detail: automatic }
  const recent = await ctx.db.inboundMail.count({
    where: { sender, id: { not: row.id }, receivedAt: { gt: new Date(row.receivedAt.getTime() - 3_600_000), lte: row.receivedAt } },
  })
  if (recent >= ctx.env.INBOUND_RATE_PER_HOUR)
    return { outcome: 'rate_limited', detail: `${recent} mails from ${sender} in the hour before` }

  const recipients = row.rcptTo.length ? row.rcptTo : headerRecipients(parsed)
  const addressToken = recipients.map((address) => tokenOfAddress(address, ctx.env.INBOUND_DOMAIN)).find((token) => token !== null)
  const referenced = tokensInReferences([...[parsed.references ?? []].flat(), ...(parsed.inReplyTo ? [parsed.inReplyTo] : [])])
  const token = addressToken ?? referenced[0]
  if (token) {
    const claims = ctx.env.INBOUND_TOKEN_SECRET ? verifyReplyToken(ctx.env.INBOUND_TOKEN_SECRET, token) : null
    if (!claims) return { outcome: 'forged_token', detail: `a reply token this server did not sign, from ${sender}` }
    return await reply(ctx, row, parsed, sender, claims)
  }
  const supportSlug = recipients
    .map((address) => address.toLowerCase().split('@'))
    .find(([, domain]) => domain === ctx.env.INBOUND_DOMAIN)?.[0]
  if (!supportSlug) return { outcome: 'no_recipient', detail: `to ${recipients.join(', ') || 'nobody'}` }
  return await newRequest(ctx, row, parsed, sender, supportSlug)
}

function headerRecipients(parsed: ParsedMail): string[] {
  const lists = [parsed.to, parsed.cc].flat().filter((list): list is AddressObject => Boolean(list))
  const delivered = ['delivered-to', 'x-original-to'].flatMap((name) => {
    const value = parsed.headers.get(name)
    return typeof value === 'string' ? [value] : []
  })
  return [...delivered, ...lists.flatMap((list) => list.value.flatMap((address) => (address.address ? [address.address] : [])))]
}

/** The mail's text and files under the portal's rules; files refused are named at the end of the text. */
function contentOf(parsed: ParsedMail): { body: string; attachments: Upload[] } {
  const attachments: Upload[] = []
  const refused: string[] = []
  for (const file of parsed.attachments) {
    // Images a signature or an HTML body shows inline are not files the person attached.
    if (file.related || (file.contentDisposition === 'inline' && !file.filename)) continue
    const checked = checkUpload(file.filename ?? 'attachment', new Uint8Array(file.content))
    if (!checked.ok) refused.push(checked.error)
    else if (attachments.length >= MAX_FILES) refused.push(`${checked.upload.filename}: at most ${MAX_FILES} files come with one message.`)
    else attachments.push(checked.upload)
  }
  const text = replyBody(parsed)
  const notes = refused.length ? `\n\n(Not attached: ${refused.join(' ')})` : ''
  const body = (text || (attachments.length ? '(Sent by email with files attached.)' : '')) + (text || attachments.length ? notes : '')
  return { body: body.trim(), attachments }
}

async function reply(
  ctx: ServiceContext,
  row: Row,
  parsed: ParsedMail,
  sender: string,
  claims: { ticketId: string; userId: string },
): Promise<Settled> {
  const [ticket, person] = await Promise.all([
    ctx.db.ticket.findUnique({ where: { id: claims.ticketId }, select: { id: true, orgId: true, requesterId: true, assigneeId: true } }),
    ctx.db.user.findUnique({ where: { id: claims.userId }, select: { id: true, email: true } }),
  ])
  if (!ticket || !person) return { outcome: 'no_recipient', detail: 'the ticket or person of the reply token is gone' }
  const { body, attachments } = contentOf(parsed)
  if (!body) return { outcome: 'empty', detail: 'nothing above the quoted mail' }
  // A crash after the message row was written: the row is there (under this mail's id), and the message sweep delivers it.
  const written = await ctx.db.message.findUnique({ where: { id: row.id }, select: { id: true } })
  if (written) return { outcome: 'posted', ticketId: ticket.id, messageId: row.id }

  if (person.email.toLowerCase() !== sender) {
    // Kept for staff to judge, never posted as the family: an internal note by the ticket's advocate (or an admin).
    const author = await noteAuthor(ctx, ticket)
    if (!author) return { outcome: 'refused', detail: 'no staff member to keep an unverified mail under' }
    const note = `Unverified sender: ${sender} wrote to the reply address of ${person.email}. Not posted to the family.\n\n${body}`
    const result = await postMessage(ctx, {
      id: row.id,
      ticket,
      author: { id: author.userId },
      role: author.role,
      body: note,
      visibility: 'internal',
      attachments,
    })
    return settledBy(result, 'unverified_note', ticket.id, row.id)
  }
  const role = await roleOn(ctx, ticket, person.id)
  if (!role) return { outcome: 'refused', detail: `${sender} is no longer on this ticket` }
  const input = { id: row.id, ticket, author: { id: person.id }, role, body, visibility: 'public' as const, attachments }
  const result = await postMessageOrFollowUp(ctx, input).catch((error: unknown) => {
    if (error instanceof TicketServiceError) return { status: 'refused' as const, message: error.message }
    throw error
  })
  if (result.status === 'followed_up') return { outcome: 'followed_up', ticketId: result.ticket.id }
  return settledBy(result, 'posted', ticket.id, row.id)
}

function settledBy(result: TicketCommandResult, outcome: InboundOutcome, ticketId: string, messageId: string): Settled {
  // Pending: the message is written and the sweep delivers it.
  if (result.status === 'applied' || result.status === 'pending') return { outcome, ticketId, messageId }
  if (result.status === 'refused') return { outcome: 'refused', detail: result.message, ticketId }
  throw new Error(`The ticket service did not answer: ${result.message}`)
}

async function roleOn(ctx: ServiceContext, ticket: { orgId: string; requesterId: string }, userId: string): Promise<Role | null> {
  if (ticket.requesterId === userId) return 'family'
  const membership = await ctx.db.membership.findUnique({
    where: { orgId_userId: { orgId: ticket.orgId, userId } },
    select: { role: true },
  })
  return membership && isStaffRole(membership.role) ? membership.role : null
}

async function noteAuthor(ctx: ServiceContext, ticket: { orgId: string; assigneeId: string | null }) {
  const staff = await ctx.db.membership.findMany({
    where: { orgId: ticket.orgId, role: { in: ['staff', 'admin'] } },
    select: { userId: true, role: true },
    orderBy: { createdAt: 'asc' },
  })
  return staff.find((member) => member.userId === ticket.assigneeId) ?? staff.find((member) => member.role === 'admin') ?? null
}

/**
 * Mail to <org slug>@INBOUND_DOMAIN: a new request in the default department for
 * a person Caseway knows (who is not the organisation's staff); someone unknown
 * is sent an invitation to ask through the portal, and no ticket is opened, so
 * a stranger's mail never makes an account.
 */
async function newRequest(ctx: ServiceContext, row: Row, parsed: ParsedMail, sender: string, slug: string): Promise<Settled> {
  const org = await ctx.db.organisation.findUnique({ where: { slug }, select: { id: true, name: true } })
  if (!org) return { outcome: 'no_recipient', detail: `no organisation ${slug}` }
  const person = await ctx.db.user.findFirst({
    where: { email: { equals: sender, mode: 'insensitive' } },
    select: { id: true, memberships: { where: { orgId: org.id }, select: { role: true } } },
  })
  if (!person) {
    await queueEmail(ctx, {
      to: sender,
      subject: `Ask ${org.name} for help through Caseway`,
      text: [
        'Hello,',
        `We received your mail to ${org.name}. To ask for help, please make a request here, so an advocate can reply and you can follow it: ${ctx.env.publicUrl}/orgs/${slug}/request`,
        'If you already have an account, sign in with the address you wrote from and your mails to us become requests.',
      ].join('\n\n'),
      dedupeKey: `inbound-invitation:${row.id}`,
    })
    return { outcome: 'invited', detail: `${sender} has no account: invited to request through the portal` }
  }
  if (person.memberships.some((membership) => isStaffRole(membership.role)))
    return { outcome: 'staff_sender', detail: `${sender} is on ${org.name}’s staff` }
  const { body, attachments } = contentOf(parsed)
  if (!body) return { outcome: 'empty', detail: 'no text and no file' }
  try {
    const ticket = await createTicket(ctx, {
      orgId: org.id,
      requesterId: person.id,
      subject: (parsed.subject?.trim() || SUBJECT_FALLBACK).slice(0, SUBJECT_MAX),
      type: 'general',
      body,
      attachments,
      // Processed with the ticket, in one transaction: a crash cannot open it twice.
      inTransaction: async (tx, created) =>
        void (await tx.inboundMail.update({
          where: { id: row.id },
          data: { state: 'processed', outcome: 'ticket_created', ticketId: created.id, processedAt: new Date() },
        })),
    })
    // As from the portal and the API: a family with an open case goes straight to its advocate.
    await assignToFamilysAdvocate(ctx, ticket)
    return { outcome: 'ticket_created', ticketId: ticket.id }
  } catch (error) {
    if (error instanceof TicketServiceError) return { outcome: 'refused', detail: error.message }
    throw error
  }
}

/**
 * Messages on their way. A message row is written before its ticket's workflow
 * hears of it; when Temporal did not answer in time, the update may be lost, or
 * may still be applied later, so the row stays (postMessage). The worker's sweep
 * sends each message its workflow has not recorded (Message.recordedAt) again,
 * under the same update id, so it is applied exactly once. One the workflow
 * refuses (the ticket closed meanwhile) goes where the author's post would have
 * gone: a family's message on their closed ticket starts a follow-up (which takes
 * its place in one transaction); otherwise the author is told it was not added,
 * with its opening words, and then it is removed (a crash between the two tells
 * them once: the notice has a dedupe key).
 */
import { isStaffRole, type Role } from '../domain/ticket.ts'
import { removeStoredFiles, type Upload } from './attachments.server.ts'
import type { ServiceContext } from './context.ts'
import { fileStoreFor } from './file-store.server.ts'
import { followUpClosedTicket, removeMessage, sendMessageUpdate, type TicketCommandResult } from './ticket-commands.server.ts'

const unrecordedSelect = {
  id: true,
  authorId: true,
  body: true,
  visibility: true,
  ticket: { select: { id: true, orgId: true, number: true, requesterId: true } },
  attachments: { select: { storageKey: true, filename: true, contentType: true } },
} as const

type UnrecordedMessage = Awaited<ReturnType<typeof unrecordedMessages>>[number]

function unrecordedMessages(ctx: ServiceContext, olderThanMs: number, limit: number) {
  return ctx.db.message.findMany({
    where: { recordedAt: null, createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    orderBy: { createdAt: 'asc' },
    take: limit,
    select: unrecordedSelect,
  })
}

/** Delivers the messages older than `olderThanMs` that no workflow recorded; answers how many it settled. */
export async function deliverUnrecordedMessages(ctx: ServiceContext, input: { olderThanMs: number; limit?: number }): Promise<number> {
  let settled = 0
  for (const message of await unrecordedMessages(ctx, input.olderThanMs, input.limit ?? 50)) {
    const role = await authorRole(ctx, message)
    const result = await sendMessageUpdate(ctx, { ticket: message.ticket, message, role })
    if (result.status === 'applied') {
      settled++
      ctx.log.info({ ticketId: message.ticket.id, messageId: message.id }, 'sweep: delivered a message its workflow had not recorded')
    } else if (result.status === 'refused') {
      await handBack(ctx, message, role, result)
      settled++
    }
  }
  return settled
}

/** The author's role towards the ticket now: its family, or staff (as they were when they wrote, if they have since left). */
async function authorRole(ctx: ServiceContext, message: UnrecordedMessage): Promise<Role> {
  if (message.authorId === message.ticket.requesterId) return 'family'
  const membership = await ctx.db.membership.findUnique({
    where: { orgId_userId: { orgId: message.ticket.orgId, userId: message.authorId } },
    select: { role: true },
  })
  return membership && isStaffRole(membership.role) ? membership.role : 'staff'
}

async function handBack(
  ctx: ServiceContext,
  message: UnrecordedMessage,
  role: Role,
  refusal: Extract<TicketCommandResult, { status: 'refused' }>,
): Promise<void> {
  const files = message.attachments
  if (role === 'family' && (refusal.code === undefined || refusal.code === 'ticket_closed')) {
    const followUp = await followUpClosedTicket(ctx, {
      ticket: message.ticket,
      author: { id: message.authorId },
      body: message.body,
      attachments: await uploadsOf(ctx, files),
      replacesMessageId: message.id,
    })
    if (followUp) {
      await removeStoredFiles(ctx, files)
      return
    }
  }
  const opening = message.body.length > 300 ? `${message.body.slice(0, 300)}…` : message.body
  await ctx.db.notification.createMany({
    data: [
      {
        userId: message.authorId,
        ticketId: message.ticket.id,
        kind: 'message_not_added',
        text: `Your message on #${message.ticket.number} could not be added: ${refusal.message.replace(/\.?$/, '.')} It began: “${opening}”`,
        dedupeKey: `message:${message.id}:not-added`,
      },
    ],
    skipDuplicates: true,
  })
  await removeMessage(ctx, message.id, files)
  ctx.log.warn(
    { ticketId: message.ticket.id, messageId: message.id, reason: refusal.message },
    'sweep: a message its workflow refused was handed back',
  )
}

/** The stored files as uploads again, for the follow-up ticket (a file already gone is left out). */
async function uploadsOf(ctx: ServiceContext, files: UnrecordedMessage['attachments']): Promise<Upload[]> {
  const uploads: Upload[] = []
  for (const file of files) {
    const body = await fileStoreFor(ctx.env).get(file.storageKey)
    if (body)
      uploads.push({
        filename: file.filename,
        contentType: file.contentType,
        bytes: new Uint8Array(await new Response(body).arrayBuffer()),
      })
  }
  return uploads
}

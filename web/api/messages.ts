/**
 * A ticket's conversation over HTTP: reading it, adding a reply or an internal
 * note (with files, as multipart), and downloading what was attached.
 */
import { randomUUID } from 'node:crypto'
import { isStaffRole, type Role } from '../../domain/ticket.ts'
import { ATTACHMENT_CONTENT_TYPES, attachmentDownload } from '../../services/attachments.server.ts'
import { postMessageOrFollowUp } from '../../services/ticket-commands.server.ts'
import { ApiError, notFound } from './errors.ts'
import { messageSelect, presentMessage, presentMessages, type TicketRow } from './present.ts'
import { defineRoute, type ApiContext, type ApiLink } from './route.ts'
import { AttachmentParams, MessageCreatedSchema, MessageListSchema, PostMessageBody, TicketNumberParams } from './schemas.ts'
import { commandAnswer, COMMAND_ERRORS, findTicket, readTicket, requireSees, ticketLinks, unprocessable } from './ticket-steps.ts'
import { throughTicketGate } from './ticket-gate.ts'

const listMessagesRoute = defineRoute({
  method: 'get',
  path: '/tickets/{number}/messages',
  operationId: 'listMessages',
  tag: 'Messages',
  summary: 'Read a ticket’s conversation and internal notes',
  params: TicketNumberParams,
  responses: { 200: { description: 'Every message, oldest first.', schema: MessageListSchema } },
  errors: { 400: ['invalid_request'], 404: ['not_found'] },
  async handle(ctx, { params }) {
    const row = await findTicket(ctx, params.number)
    const messages = await ctx.db.message.findMany({
      where: { ticketId: row.id },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: messageSelect,
    })
    return { status: 200, body: { messages: await presentMessages(ctx, row, messages) } }
  },
})

/** The family of this ticket, or a member of its organisation's staff who may see it (else 404). */
async function authorFor(ctx: ApiContext, row: TicketRow, email: string): Promise<{ id: string; role: Role }> {
  const user = await ctx.db.user.findUnique({
    where: { email },
    select: { id: true, memberships: { where: { orgId: ctx.principal.orgId }, select: { role: true } } },
  })
  const role = user?.memberships[0]?.role
  if (user && role && isStaffRole(role)) {
    await requireSees(ctx, row, user)
    return { id: user.id, role }
  }
  if (user && user.id === row.requesterId) return { id: user.id, role: 'family' }
  throw unprocessable('body.author.email', `${email} is neither this ticket’s family nor on this organisation’s staff.`)
}

/** From a new message: its ticket (a follow-up's, for a family's message on a closed one) and its first file. */
const messageLinks: Record<string, ApiLink> = {
  ...ticketLinks(),
  DownloadAttachment: {
    operationId: 'downloadAttachment',
    description: 'The message’s first attachment, when it has one.',
    parameters: { number: '$response.body#/ticket/number', attachmentId: '$response.body#/message/attachments/0/id' },
  },
}

const postMessageRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/messages',
  operationId: 'postMessage',
  tag: 'Messages',
  summary: 'Add a reply or an internal note',
  description:
    'A message from the ticket’s family or from a member of staff. A public staff reply answers the family (a new ' +
    'ticket moves to in progress and awaits the family; the first one on an unassigned ticket assigns it to its author ' +
    'unless the organisation turned that off); a family message puts the ticket back with staff. Only ' +
    'staff may write internal notes (403). A family message on a closed ticket starts a new ticket that follows it ' +
    'up: the answer’s `ticket` is that new ticket, its `followUpOf` the closed one’s number. To attach files, send ' +
    '`multipart/form-data`: this JSON as a `payload` part and each file as an `attachments` part.',
  params: TicketNumberParams,
  body: PostMessageBody,
  responses: {
    201: { description: 'The message, recorded by the ticket, and the ticket afterwards.', schema: MessageCreatedSchema },
    202: { description: 'The ticket accepted the message but did not confirm it in time.', schema: MessageCreatedSchema },
  },
  links: { 201: messageLinks, 202: messageLinks },
  errors: { ...COMMAND_ERRORS, 403: ['forbidden'] },
  uploads: true,
  async handle(ctx, { params, body, uploads }) {
    const row = await findTicket(ctx, params.number)
    const author = await authorFor(ctx, row, body.author.email)
    if (body.visibility === 'internal' && !isStaffRole(author.role))
      throw new ApiError(403, 'forbidden', 'Only staff can write internal notes.')
    const id = randomUUID()
    const result = await throughTicketGate(row.id, () =>
      postMessageOrFollowUp(ctx, {
        ticket: row,
        author,
        role: author.role,
        body: body.body,
        visibility: body.visibility,
        id,
        attachments: uploads,
      }),
    )
    if (result.status === 'followed_up') {
      const [message] = await ctx.db.message.findMany({
        where: { ticketId: result.ticket.id },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: 1,
        select: messageSelect,
      })
      const answer = await readTicket(ctx, result.ticket.number)
      return {
        ...answer,
        status: 201,
        body: { message: presentMessage(result.ticket.number, message!, author.role), ticket: (answer.body as { ticket: unknown }).ticket },
      }
    }
    const answer = await commandAnswer(ctx, row, result)
    const message = await ctx.db.message.findUniqueOrThrow({ where: { id }, select: messageSelect })
    const ticket = (answer.body as { ticket: unknown }).ticket
    return {
      status: answer.status === 200 ? 201 : answer.status,
      body: { message: presentMessage(row.number, message, author.role), ticket },
    }
  },
})

const downloadAttachmentRoute = defineRoute({
  method: 'get',
  path: '/tickets/{number}/attachments/{attachmentId}',
  operationId: 'downloadAttachment',
  tag: 'Messages',
  summary: 'Download a file attached to a message',
  description: 'The bytes, as a download (`Content-Disposition: attachment`), with the type the server decided on upload.',
  params: AttachmentParams,
  answerHeaders: {
    'Content-Disposition': {
      description: 'Always a download (`attachment`), with the file’s name.',
      schema: { type: 'string', pattern: '^attachment; ' },
    },
  },
  responses: { 200: { description: 'The file, with the type the server gave it on upload.', file: ATTACHMENT_CONTENT_TYPES } },
  errors: { 400: ['invalid_request'], 404: ['not_found'] },
  async handle(ctx, { params }) {
    const row = await findTicket(ctx, params.number)
    const attachment = await ctx.db.attachment.findFirst({
      where: { id: params.attachmentId, ticketId: row.id },
      select: { filename: true, contentType: true, size: true, storageKey: true },
    })
    if (!attachment) throw notFound('Attachment')
    const response = await attachmentDownload(ctx, attachment)
    if (!response) {
      ctx.log.error({ storageKey: attachment.storageKey, ticketId: row.id }, 'attachment row without its file')
      throw notFound('Attachment')
    }
    return { status: 200, response }
  },
})

export const messageRoutes = [listMessagesRoute, postMessageRoute, downloadAttachmentRoute]

/**
 * Conversations staff start with a family of their organisation ("Message a
 * family"): a general message, or a request for a named document. Each is a
 * ticket made by createTicket (kind conversation, the first message the
 * author's), whose workflow starts it In progress, or Pending family for a
 * document request, assigned to its author. A document request gets a checklist
 * item ("Send us: <document>") that the family's file ticks
 * (checklists.server.ts tickAwaitedFileItems). A family named by a new email
 * address gets an account and an invitation to choose a password.
 */
import { z } from 'zod'
import {
  CONVERSATION_KINDS,
  ConversationSubjectSchema,
  DocumentNameSchema,
  FamilyNameSchema,
  type ConversationKind,
} from '../domain/conversations.ts'
import { EmailSchema, messageBody } from '../domain/input-schemas.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import { AccountError } from './accounts.server.ts'
import type { AuditVia } from './audit.server.ts'
import { addAwaitedFileItem } from './checklists.server.ts'
import type { ServiceContext } from './context.ts'
import { queueEmail } from './outbox.server.ts'
import { issuePasswordLink } from './password-reset.server.ts'
import { INVITATION_TTL_MS } from './team.server.ts'
import { createTicket, TicketServiceError, type CreatedTicket } from './ticket-creation.server.ts'

/** Who the conversation is with: a family of the organisation, or a new one by email. */
export type ConversationFamily = { id: string } | { email: string; name: string }

export interface NewConversation {
  orgId: string
  authorId: string
  via: AuditVia
  family: ConversationFamily
  kind: ConversationKind
  /** The document a document request asks for; required for one, ignored otherwise. */
  document?: string | null
  subject: string
  body: string
  /** As createTicket's: the idempotency record of the caller goes in the same transaction. */
  inTransaction?: (tx: Prisma.TransactionClient, ticket: { id: string; number: number; createdAt: Date }) => Promise<void>
}

export type StartConversationResult =
  | { status: 'started'; ticket: CreatedTicket; invited: boolean }
  | { status: 'family_not_found' }
  | { status: 'refused'; message: string }
  | { status: 'unavailable'; message: string }

const ParsedConversation = z.object({
  subject: ConversationSubjectSchema,
  body: messageBody(),
  kind: z.enum(CONVERSATION_KINDS),
  document: DocumentNameSchema.nullable(),
})

/** Starts the conversation; a family by id must be a family of the organisation. */
export async function startConversation(ctx: ServiceContext, input: NewConversation): Promise<StartConversationResult> {
  const content = ParsedConversation.parse({
    subject: input.subject,
    body: input.body,
    kind: input.kind,
    document: input.kind === 'document_request' ? (input.document ?? '') : null,
  })
  const family = 'id' in input.family ? await familyOf(ctx, input.orgId, input.family.id) : null
  if ('id' in input.family && !family) return { status: 'family_not_found' }
  const person =
    'email' in input.family ? { email: EmailSchema.parse(input.family.email), name: FamilyNameSchema.parse(input.family.name) } : null
  try {
    const ticket = await createTicket(ctx, {
      orgId: input.orgId,
      ...(family ? { requesterId: family.id } : { requester: person! }),
      subject: content.subject,
      type: 'general',
      body: content.body,
      startedBy: { staffId: input.authorId, requestedDocument: content.document },
      inTransaction: async (tx, created) => {
        if (content.document !== null)
          await addAwaitedFileItem(tx, {
            actorId: input.authorId,
            via: input.via,
            ticket: { id: created.id, orgId: input.orgId, number: created.number },
            document: content.document,
          })
        await input.inTransaction?.(tx, created)
      },
    })
    const invited = person ? await inviteIfNew(ctx, input.orgId, ticket) : false
    ctx.log.info({ ticketId: ticket.id, orgId: input.orgId, kind: content.kind, invited }, 'conversation started')
    return { status: 'started', ticket, invited }
  } catch (error) {
    if (error instanceof AccountError) return { status: 'refused', message: error.message }
    if (error instanceof TicketServiceError)
      return error.code === 'unavailable'
        ? { status: 'unavailable', message: error.message }
        : { status: 'refused', message: error.message }
    throw error
  }
}

async function familyOf(ctx: ServiceContext, orgId: string, userId: string) {
  if (!z.uuid().safeParse(userId).success) return null
  const membership = await ctx.db.membership.findFirst({ where: { orgId, userId, role: 'family' }, select: { userId: true } })
  return membership ? { id: membership.userId } : null
}

/** A family new to Caseway (no password yet) is sent a link to choose one, to read and reply. */
async function inviteIfNew(ctx: ServiceContext, orgId: string, ticket: CreatedTicket): Promise<boolean> {
  const row = await ctx.db.ticket.findUniqueOrThrow({
    where: { id: ticket.id },
    select: { org: { select: { name: true } }, requester: { select: { id: true, email: true, name: true, passwordHash: true } } },
  })
  const family = row.requester
  if (family.passwordHash !== null) return false
  const { id, link } = await issuePasswordLink(ctx, family.id, INVITATION_TTL_MS)
  await queueEmail(ctx, {
    to: family.email,
    subject: `${row.org.name} has written to you in Caseway`,
    dedupeKey: `conversation-invitation:${id}`,
    text: [
      `Hello ${family.name},`,
      '',
      `${row.org.name} has started a conversation with you in Caseway, where you can read their message and reply.`,
      `Choose your password here within the next 7 days, then sign in with this email address: ${link}`,
    ].join('\n'),
  })
  ctx.log.info({ orgId, userId: family.id, ticketId: ticket.id }, 'new family invited with a conversation')
  return true
}

/** The organisation's families whose name or email contains `query` (the picker), by name. */
export async function findFamilies(ctx: Pick<ServiceContext, 'db'>, orgId: string, query: string, take = 20) {
  const text = query.trim().slice(0, 100)
  return ctx.db.user.findMany({
    where: {
      memberships: { some: { orgId, role: 'family' } },
      ...(text ? { OR: [{ name: { contains: text, mode: 'insensitive' } }, { email: { contains: text, mode: 'insensitive' } }] } : {}),
    },
    orderBy: [{ name: 'asc' }, { email: 'asc' }],
    take,
    select: { id: true, name: true, email: true },
  })
}

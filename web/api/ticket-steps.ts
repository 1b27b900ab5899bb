/**
 * The steps the API's ticket operations share: finding the key's organisation's
 * ticket (404 for any other), the people a request names, and answering with the
 * workflow's result or its refusal.
 */
import { isStaffRole, type Role } from '../../domain/ticket.ts'
import { maySeeTicket, ticketScope } from '../../services/ticket-access.server.ts'
import { getTicketLiveView, type TicketCommandResult, type TicketRefusalCode } from '../../services/ticket-commands.server.ts'
import { ApiError, notFound, type ErrorCode } from './errors.ts'
import { presentView, ticketFromRow, ticketRowSelect, type TicketRow } from './present.ts'
import type { ApiAnswer, ApiContext, ApiLink } from './route.ts'
import { PendingTicketEnvelope, TicketEnvelope } from './schemas.ts'

export const UNAVAILABLE_RETRY_AFTER_S = '5'

/** Ticket numbers are PostgreSQL integers: a larger number is no ticket, not a malformed request. */
const TICKET_NUMBER_MAX = 2_147_483_647

export async function findTicket(ctx: ApiContext, number: number): Promise<TicketRow> {
  if (number > TICKET_NUMBER_MAX) throw notFound()
  const row = await ctx.db.ticket.findUnique({
    where: { orgId_number: { orgId: ctx.principal.orgId, number } },
    select: ticketRowSelect,
  })
  if (!row) throw notFound()
  return row
}

export function unprocessable(path: string, message: string): ApiError {
  return new ApiError(422, 'unprocessable', message, [{ path, message }])
}

/** A member of the organisation's staff (or an admin), by email. */
export async function staffMember(ctx: ApiContext, email: string, path: string): Promise<{ id: string; role: Role }> {
  const user = await ctx.db.user.findUnique({
    where: { email },
    select: { id: true, memberships: { where: { orgId: ctx.principal.orgId }, select: { role: true } } },
  })
  const role = user?.memberships[0]?.role
  if (!user || !role || !isStaffRole(role)) throw unprocessable(path, `${email} is not a member of this organisation’s staff.`)
  return { id: user.id, role }
}

/**
 * Who makes a change to `row`: `actor` when given, else the admin who created
 * the key (while still on the team). Status, assignment and priority changes
 * are a person's decision and need one; facts from integrations may have
 * nobody. The key sees every ticket of its organisation, but a person acting
 * through it sees only what they would in the portal: a ticket outside that is
 * not there for them (404).
 */
export async function actorFor(
  ctx: ApiContext,
  row: TicketRow,
  actor: { email: string } | undefined,
): Promise<{ id: string; role: Role } | null> {
  const found = actor ? await staffMember(ctx, actor.email, 'body.actor.email') : await keyCreator(ctx)
  if (found) await requireSees(ctx, row, found)
  return found
}

/** The admin (or staff member) who created the API key, while still on the team. */
export async function keyCreator(ctx: ApiContext): Promise<{ id: string; role: Role } | null> {
  const creatorId = ctx.principal.createdById
  if (!creatorId) return null
  const membership = await ctx.db.membership.findUnique({
    where: { orgId_userId: { orgId: ctx.principal.orgId, userId: creatorId } },
    select: { role: true },
  })
  return membership && isStaffRole(membership.role) ? { id: creatorId, role: membership.role } : null
}

/** A member of staff who may not see the ticket is told it is not there, as in the portal. */
export async function requireSees(ctx: ApiContext, row: TicketRow, person: { id: string }): Promise<void> {
  if (!maySeeTicket(await ticketScope(ctx.db, { orgId: row.orgId, userId: person.id }), row)) throw notFound()
}

export async function requiredActor(ctx: ApiContext, row: TicketRow, actor: { email: string } | undefined) {
  const found = await actorFor(ctx, row, actor)
  if (!found)
    throw unprocessable(
      'body.actor',
      'Say which member of staff makes this change in `actor.email`: this API key was not created by a member of staff.',
    )
  return found
}

const REFUSAL_ANSWERS: Record<TicketRefusalCode, { status: number; code: ErrorCode }> = {
  at_capacity: { status: 409, code: 'at_capacity' },
  invalid_transition: { status: 409, code: 'invalid_transition' },
  ticket_closed: { status: 409, code: 'ticket_closed' },
  no_change: { status: 409, code: 'no_change' },
  not_allowed: { status: 403, code: 'forbidden' },
  cover_only: { status: 403, code: 'cover_only' },
  invalid_input: { status: 422, code: 'unprocessable' },
}

/** 200 with the ticket as the workflow left it; 202 when it accepted the change but had not confirmed it in time. */
export async function commandAnswer(ctx: ApiContext, row: TicketRow, result: TicketCommandResult): Promise<ApiAnswer> {
  switch (result.status) {
    case 'applied':
      return { status: 200, body: { ticket: await presentView(ctx, row, result.view) } }
    case 'pending':
      return { status: 202, body: { ticket: ticketFromRow(await findTicket(ctx, row.number)), message: result.message } }
    case 'refused': {
      const answer = REFUSAL_ANSWERS[result.code ?? 'invalid_transition']
      throw new ApiError(answer.status, answer.code, result.message)
    }
    case 'unavailable':
      throw new ApiError(503, 'unavailable', result.message, undefined, { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S })
  }
}

export const TICKET_ERRORS = { 400: ['invalid_request', 'invalid_json'], 404: ['not_found'] } as const
export const COMMAND_ERRORS = {
  ...TICKET_ERRORS,
  409: ['invalid_transition', 'ticket_closed', 'no_change'],
  415: ['unsupported_media_type'],
  422: ['unprocessable'],
  503: ['unavailable'],
} as const

/** Every operation on one ticket, by the name of the link that leads there. */
const TICKET_OPERATIONS = {
  GetTicket: 'getTicket',
  ListMessages: 'listMessages',
  PostMessage: 'postMessage',
  ChangeStatus: 'changeStatus',
  AssignTicket: 'assignTicket',
  ChangePriority: 'changePriority',
  ChangeDepartment: 'changeDepartment',
  LinkCase: 'linkCase',
  RecordLaResponse: 'recordLaResponse',
}

/** Links from an answer carrying a ticket's number (at the JSON pointer `number`) to every operation on that ticket. */
export function ticketLinks(number = '/ticket/number'): Record<string, ApiLink> {
  return Object.fromEntries(
    Object.entries(TICKET_OPERATIONS).map(([name, operationId]) => [
      name,
      {
        operationId,
        description: `The ticket’s number is the \`number\` of ${operationId}.`,
        parameters: { number: `$response.body#${number}` },
      },
    ]),
  )
}

/** From an answer carrying a ticket, to closing the case it is linked to. */
export const closeCaseLink: Record<string, ApiLink> = {
  CloseCase: {
    operationId: 'closeCase',
    description: 'The ticket’s `caseRef`, when it has one, is the case to close.',
    parameters: { caseRef: '$response.body#/ticket/caseRef' },
  },
}

export const ticketAnswers = {
  200: { description: 'The change reached the ticket; this is the ticket afterwards.', schema: TicketEnvelope },
  202: {
    description: 'The ticket accepted the change but did not confirm it in time; it will show shortly.',
    schema: PendingTicketEnvelope,
  },
}

/** The live ticket; the saved row when its workflow cannot be asked (the header says which). */
export async function readTicket(ctx: ApiContext, number: number): Promise<ApiAnswer> {
  const row = await findTicket(ctx, number)
  const live = await getTicketLiveView(ctx, row)
  if (live.status === 'ok')
    return { status: 200, body: { ticket: await presentView(ctx, row, live.view) }, headers: { 'Caseway-State': 'live' } }
  return { status: 200, body: { ticket: ticketFromRow(row) }, headers: { 'Caseway-State': 'saved' } }
}

/** Where a command's answer leads: the ticket's other operations, and its case. */
export const ticketAnswerLinks = {
  200: { ...ticketLinks(), ...closeCaseLink },
  202: { ...ticketLinks(), ...closeCaseLink },
}

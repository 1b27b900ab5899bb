/**
 * Tickets and messages as the API shows them. Content (subject, requester,
 * references) comes from the database; lifecycle (status, assignee, SLA) from
 * the workflow's live view when there is one, otherwise from the row the
 * workflow's activities keep.
 */
import { SLA_KINDS, SLA_STATES, type SlaState } from '../../domain/sla.ts'
import { isStaffRole, type Role } from '../../domain/ticket.ts'
import type { TicketView } from '../../domain/ticket-state.ts'
import type { Prisma } from '../../generated/prisma/client.ts'
import type { ServiceContext } from '../../services/context.ts'
import type { MessageJson, TicketJson } from './schemas.ts'

export const ticketRowSelect = {
  id: true,
  orgId: true,
  number: true,
  subject: true,
  childName: true,
  type: true,
  priority: true,
  status: true,
  awaiting: true,
  assigneeId: true,
  caseId: true,
  requesterId: true,
  departmentId: true,
  caseRef: true,
  externalRef: true,
  createdAt: true,
  updatedAt: true,
  lastActivityAt: true,
  slaState: true,
  slaDueAt: true,
  slaTargets: true,
  pendingSince: true,
  laDeadline: true,
  laOverdue: true,
  resolvedAt: true,
  reopenUntil: true,
  autoCloseAt: true,
  closedAt: true,
  closeReason: true,
  requester: { select: { email: true, name: true } },
  assignee: { select: { email: true, name: true } },
  department: { select: { slug: true } },
  followUpOf: { select: { number: true } },
  tags: { select: { tag: { select: { name: true, key: true } } } },
} satisfies Prisma.TicketSelect

export type TicketRow = Prisma.TicketGetPayload<{ select: typeof ticketRowSelect }>

/** What a live ticket takes from its row: content, and the assignee the row knows. */
export type TicketContent = Pick<
  TicketRow,
  | 'number'
  | 'subject'
  | 'type'
  | 'requester'
  | 'department'
  | 'childName'
  | 'externalRef'
  | 'followUpOf'
  | 'tags'
  | 'createdAt'
  | 'assigneeId'
  | 'assignee'
>

const iso = (date: Date | null) => (date === null ? null : date.toISOString())

/** The ticket as its row says: what lists serve. */
export function ticketFromRow(row: TicketRow): TicketJson {
  return {
    ...content(row),
    priority: row.priority,
    status: row.status,
    awaiting: row.awaiting,
    assignee: row.assignee,
    caseRef: row.caseRef,
    updatedAt: row.updatedAt.toISOString(),
    sla: row.slaState === null ? null : { state: row.slaState, dueAt: iso(row.slaDueAt), targets: slaChipsOf(row.slaTargets) },
    pendingSince: iso(row.pendingSince),
    laDeadline: iso(row.laDeadline),
    laOverdue: row.laOverdue,
    resolvedAt: iso(row.resolvedAt),
    reopenUntil: iso(row.reopenUntil),
    autoCloseAt: iso(row.autoCloseAt),
    closedAt: iso(row.closedAt),
    closeReason: row.closeReason,
  }
}

/** The ticket as its workflow sees it now. `assignee` is the person behind `view.assigneeId`. */
export function ticketFromView(row: TicketContent, view: TicketView, assignee: { email: string; name: string } | null): TicketJson {
  return {
    ...content(row),
    type: view.type,
    priority: view.priority,
    status: view.status,
    awaiting: view.awaiting,
    assignee,
    caseRef: view.caseRef,
    updatedAt: view.updatedAt,
    sla: view.sla && {
      state: view.sla.state,
      dueAt: view.sla.dueAt,
      targets: view.sla.targets.map(({ kind, dueAt, state }) => ({ kind, dueAt, state })),
    },
    pendingSince: view.pendingSince,
    laDeadline: view.laDeadline,
    laOverdue: view.laOverdue,
    resolvedAt: view.resolvedAt,
    reopenUntil: view.reopenUntil,
    autoCloseAt: view.autoCloseAt,
    closedAt: view.closedAt,
    closeReason: view.closeReason,
  }
}

/** The live ticket, looking up its assignee when the view names someone the row does not (yet). */
export async function presentView(ctx: ServiceContext, row: TicketContent, view: TicketView): Promise<TicketJson> {
  const assignee =
    view.assigneeId === null
      ? null
      : view.assigneeId === row.assigneeId
        ? row.assignee
        : await ctx.db.user.findUnique({ where: { id: view.assigneeId }, select: { email: true, name: true } })
  return ticketFromView(row, view, assignee)
}

function content(row: TicketContent) {
  return {
    number: row.number,
    subject: row.subject,
    type: row.type,
    requester: row.requester,
    department: row.department?.slug ?? null,
    childName: row.childName,
    externalRef: row.externalRef,
    followUpOf: row.followUpOf?.number ?? null,
    tags: row.tags
      .map((t) => t.tag)
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((t) => t.name),
    createdAt: row.createdAt.toISOString(),
  }
}

/** The row's slaTargets column, as the workflow wrote it; anything unexpected is left out rather than passed on. */
function slaChipsOf(json: unknown): { kind: (typeof SLA_KINDS)[number]; dueAt: string | null; state: SlaState }[] {
  if (!Array.isArray(json)) return []
  return json.flatMap((chip: unknown) => {
    const { kind, dueAt, state } = (chip ?? {}) as Record<string, unknown>
    if (!SLA_KINDS.includes(kind as never) || !SLA_STATES.includes(state as never)) return []
    if (dueAt !== null && typeof dueAt !== 'string') return []
    return [{ kind: kind as (typeof SLA_KINDS)[number], dueAt, state: state as SlaState }]
  })
}

export const messageSelect = {
  id: true,
  body: true,
  visibility: true,
  createdAt: true,
  authorId: true,
  author: { select: { email: true, name: true } },
  attachments: { select: { id: true, filename: true, contentType: true, size: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
} satisfies Prisma.MessageSelect

type MessageRow = Prisma.MessageGetPayload<{ select: typeof messageSelect }>

/**
 * Messages with each author's role towards the ticket: staff of its
 * organisation are staff (or admin) even on a ticket they requested; anyone
 * else is the family.
 */
export async function presentMessages(
  ctx: ServiceContext,
  ticket: { orgId: string; number: number },
  messages: MessageRow[],
): Promise<MessageJson[]> {
  const authorIds = [...new Set(messages.map((m) => m.authorId))]
  const memberships = authorIds.length
    ? await ctx.db.membership.findMany({ where: { orgId: ticket.orgId, userId: { in: authorIds } }, select: { userId: true, role: true } })
    : []
  const roles = new Map(memberships.filter((m) => isStaffRole(m.role)).map((m) => [m.userId, m.role]))
  return messages.map((m) => presentMessage(ticket.number, m, roles.get(m.authorId) ?? 'family'))
}

export function presentMessage(ticketNumber: number, m: MessageRow, role: Role): MessageJson {
  return {
    id: m.id,
    author: { email: m.author.email, name: m.author.name, role },
    body: m.body,
    visibility: m.visibility,
    attachments: m.attachments.map((file) => ({ ...file, url: `/api/v1/tickets/${ticketNumber}/attachments/${file.id}` })),
    createdAt: m.createdAt.toISOString(),
  }
}

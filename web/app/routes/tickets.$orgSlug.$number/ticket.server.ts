/**
 * What the ticket page shows, per role. The family's data is selected
 * separately and never includes internal notes or the timeline: what is not
 * loaded cannot leak into the page or its loader data.
 */
import { PRIORITY_LABELS, STATUS_LABELS, TYPE_LABELS, type TicketStatus } from '../../../../domain/ticket.ts'
import { allowedTransitions } from '../../../../domain/ticket-state.ts'
import { workflowUiUrl } from '../../../../lib/temporal.ts'
import { ticketWorkflowId } from '../../../../workflows/ticket.messages.ts'
import type { CasewayContext } from '../../context.ts'
import { getTicketLiveView } from '../../services/tickets.server.ts'
import { familyStatusHint, familyStatusLabel, formatDateTime, humanise, staffStatusLabel } from '../../utils/format.ts'
import type { TicketAccess } from '../../utils/permissions.server.ts'
import { roleHasPermission } from '../../utils/permissions.ts'

const ticketSelect = {
  id: true,
  number: true,
  subject: true,
  childName: true,
  type: true,
  priority: true,
  status: true,
  awaiting: true,
  assigneeId: true,
  requesterId: true,
  createdAt: true,
  org: { select: { slug: true, name: true, timezone: true } },
  assignee: { select: { name: true } },
} as const

export async function familyTicketData(ctx: CasewayContext, access: TicketAccess) {
  const ticket = await ctx.db.ticket.findUniqueOrThrow({ where: { id: access.ticket.id }, select: ticketSelect })
  const messages = await ctx.db.message.findMany({
    where: { ticketId: ticket.id, visibility: 'public' },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, body: true, createdAt: true, authorId: true, author: { select: { name: true } } },
  })
  const tz = ticket.org.timezone
  return {
    role: 'family' as const,
    ticket: {
      number: ticket.number,
      subject: ticket.subject,
      childName: ticket.childName,
      type: TYPE_LABELS[ticket.type],
      organisation: { slug: ticket.org.slug, name: ticket.org.name },
      status: ticket.status,
      statusLabel: familyStatusLabel(ticket.status, ticket.awaiting),
      statusHint: familyStatusHint(ticket.status, ticket.awaiting),
      advocate: ticket.assignee?.name ?? null,
      createdAt: formatDateTime(ticket.createdAt, tz),
      canReply: ticket.status !== 'closed' && roleHasPermission(access.role, 'reply:ticket:own'),
    },
    messages: messages.map((m) => ({
      id: m.id,
      body: m.body,
      author: m.authorId === ticket.requesterId ? 'You' : m.author.name,
      fromFamily: m.authorId === ticket.requesterId,
      at: formatDateTime(m.createdAt, tz),
    })),
  }
}

export async function staffTicketData(ctx: CasewayContext, access: TicketAccess) {
  const can = (p: Parameters<typeof roleHasPermission>[1]) => roleHasPermission(access.role, p)
  const [ticket, live] = await Promise.all([
    ctx.db.ticket.findUniqueOrThrow({
      where: { id: access.ticket.id },
      select: {
        ...ticketSelect,
        requester: { select: { name: true, email: true } },
        department: { select: { name: true } },
        messages: {
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          select: { id: true, body: true, visibility: true, createdAt: true, authorId: true, author: { select: { name: true } } },
        },
        events: { orderBy: { seq: 'asc' }, select: { seq: true, kind: true, actorId: true, data: true, at: true } },
      },
    }),
    getTicketLiveView(ctx, access.ticket),
  ])
  const tz = ticket.org.timezone
  // The workflow's view is the truth; the row catches up when its save activity runs.
  const view = live.status === 'ok' ? live.view : null
  const status: TicketStatus = view?.status ?? ticket.status
  const assigneeId = view ? view.assigneeId : ticket.assigneeId

  const team = await ctx.db.membership.findMany({
    where: { orgId: access.ticket.orgId, role: { in: ['staff', 'admin'] } },
    select: { user: { select: { id: true, name: true } } },
    orderBy: { user: { name: 'asc' } },
  })
  const names = new Map<string, string>(team.map((m) => [m.user.id, m.user.name]))
  names.set(ticket.requesterId, ticket.requester.name)
  const unknownIds = new Set<string>()
  for (const e of ticket.events) {
    const data = asRecord(e.data)
    for (const id of [e.actorId, data.assigneeId]) if (typeof id === 'string' && !names.has(id)) unknownIds.add(id)
  }
  if (assigneeId && !names.has(assigneeId)) unknownIds.add(assigneeId)
  if (unknownIds.size) {
    const others = await ctx.db.user.findMany({ where: { id: { in: [...unknownIds] } }, select: { id: true, name: true } })
    for (const u of others) names.set(u.id, u.name)
  }
  const nameOf = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? 'Someone no longer here') : null)

  const toMessage = (m: (typeof ticket.messages)[number]) => ({
    id: m.id,
    body: m.body,
    author: m.author.name,
    fromFamily: m.authorId === ticket.requesterId,
    at: formatDateTime(m.createdAt, tz),
  })
  const priority = view?.priority ?? ticket.priority
  return {
    role: 'staff' as const,
    ticket: {
      number: ticket.number,
      subject: ticket.subject,
      organisation: { slug: ticket.org.slug, name: ticket.org.name },
      family: { name: ticket.requester.name, email: ticket.requester.email },
      childName: ticket.childName,
      type: TYPE_LABELS[ticket.type],
      department: ticket.department?.name ?? null,
      priority: PRIORITY_LABELS[priority],
      status,
      statusLabel: staffStatusLabel(status),
      awaiting: view ? view.awaiting : ticket.awaiting,
      assignee: assigneeId ? nameOf(assigneeId) : null,
      assigneeId,
      createdAt: formatDateTime(ticket.createdAt, tz),
    },
    live:
      live.status === 'ok'
        ? { available: true as const, version: live.view.version, updatedAt: formatDateTime(live.view.updatedAt, tz) }
        : { available: false as const, message: live.message },
    conversation: ticket.messages.filter((m) => m.visibility === 'public').map(toMessage),
    notes: ticket.messages.filter((m) => m.visibility === 'internal').map(toMessage),
    timeline: ticket.events.map((e) => ({
      seq: e.seq,
      text: describeEvent(e.kind, asRecord(e.data), nameOf),
      actor: nameOf(e.actorId),
      at: formatDateTime(e.at, tz),
    })),
    transitions: allowedTransitions(status).map((s) => ({ value: s, label: STATUS_LABELS[s] })),
    team: can('assign:ticket:any') ? team.map((m) => ({ id: m.user.id, name: m.user.name })) : [],
    me: { id: access.user.id },
    permissions: {
      note: can('note:ticket:org'),
      changeStatus: can('change-status:ticket:org'),
      assignAny: can('assign:ticket:any'),
      assignSelf: can('assign:ticket:self'),
    },
    inspectUrl: can('inspect:workflow:org') ? workflowUiUrl(ctx.env, ticketWorkflowId(ticket.id)) : null,
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function statusWords(value: unknown): string {
  return typeof value === 'string' && value in STATUS_LABELS ? STATUS_LABELS[value as TicketStatus] : String(value)
}

/** One timeline line, for the kinds the workflow writes (domain/ticket-state.ts TicketEventBody). */
function describeEvent(kind: string, data: Record<string, unknown>, nameOf: (id: unknown) => string | null): string {
  switch (kind) {
    case 'opened':
      return 'Request received'
    case 'message_posted':
      if (data.visibility === 'internal') return 'Internal note added'
      return data.authorRole === 'family' ? 'Family sent a message' : 'Reply sent to the family'
    case 'assigned':
      return `Assigned to ${nameOf(data.assigneeId) ?? 'someone'}`
    case 'status_changed': {
      const line = `Status changed from ${statusWords(data.from)} to ${statusWords(data.to)}`
      return typeof data.reason === 'string' && data.reason ? `${line}: ${data.reason}` : line
    }
    default:
      return humanise(kind)
  }
}

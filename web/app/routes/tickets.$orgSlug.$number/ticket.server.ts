/**
 * What the ticket page shows, per role. The family's data is selected
 * separately and never includes internal notes, their attachments or the
 * timeline: what is not loaded cannot leak into the page or its loader data.
 */
import { describeDeadline } from '../../../../domain/statutory-words.ts'
import { readCaseTimeline } from '../../../../services/case-timeline.server.ts'
import { PRIORITY_LABELS, STATUS_LABELS, TYPE_LABELS, type TicketStatus } from '../../../../domain/ticket.ts'
import { allowedTransitions, type TicketView } from '../../../../domain/ticket-state.ts'
import { workflowUiUrl } from '../../../../lib/temporal.ts'
import { ticketWorkflowId } from '../../../../workflows/ticket.messages.ts'
import type { CasewayContext } from '../../context.ts'
import { ACCEPT_ATTRIBUTE, ATTACHMENT_HINT, formatBytes } from '../../../../services/attachments.server.ts'
import { coverNoticesForFamily } from '../../../../services/case-cover.server.ts'
import { advocateLoads, assignmentOpensCase, describeLoad } from '../../../../services/capacity.server.ts'
import { caseScope, maySeeCase } from '../../../../services/case-access.server.ts'
import { OPEN_STATUSES } from '../../../../services/queue.server.ts'
import { savedReplies, savedReply } from '../../../../services/saved-replies.server.ts'
import { getTicketLiveView } from '../../../../services/ticket-commands.server.ts'
import { organisationTags, ticketTags } from '../../../../services/tags.server.ts'
import { ticketHistory } from '../../../../services/ticket-history.server.ts'
import { ticketWatchers } from '../../../../services/watchers.server.ts'
import { familyMarker, familyStatusHint, familyStatusLabel, formatDateTime, humanise, staffStatusLabel } from '../../utils/format.ts'
import type { TicketAccess } from '../../utils/permissions.server.ts'
import { ticketChecklistView } from './checklist.server.ts'
import { ticketTasksView } from './tasks.server.ts'
import { ticketRelated } from './related.server.ts'
import { ticketTime } from './time.server.ts'
import { roleHasPermission } from '../../utils/permissions.ts'
import { asRecord, describeEvent } from '../../utils/ticket-timeline.ts'
import { SLA_KIND_LABELS, SLA_STATE_LABELS, slaChip } from '../../utils/sla-chips.ts'

const ticketSelect = {
  id: true,
  caseId: true,
  number: true,
  subject: true,
  kind: true,
  requestedDocument: true,
  childName: true,
  type: true,
  priority: true,
  status: true,
  awaiting: true,
  assigneeId: true,
  requesterId: true,
  createdAt: true,
  caseRef: true,
  laDeadline: true,
  laOverdue: true,
  reopenUntil: true,
  autoCloseAt: true,
  closeReason: true,
  followUpOfId: true,
  org: { select: { slug: true, name: true, timezone: true } },
  assignee: { select: { name: true } },
} as const

const attachmentSelect = { id: true, filename: true, size: true, messageId: true } as const

/** Reading the ticket is seeing its news: the person's notifications about it are read. */
async function markNotificationsRead(ctx: CasewayContext, userId: string, ticketId: string) {
  await ctx.db.notification.updateMany({ where: { userId, ticketId, readAt: null }, data: { readAt: new Date() } })
}

function attachmentLinks(base: string, attachments: { id: string; filename: string; size: number }[]) {
  return attachments.map((a) => ({ id: a.id, filename: a.filename, size: formatBytes(a.size), href: `${base}/attachments/${a.id}` }))
}

export async function familyTicketData(ctx: CasewayContext, access: TicketAccess) {
  const [ticket, messages] = await Promise.all([
    ctx.db.ticket.findUniqueOrThrow({ where: { id: access.ticket.id }, select: ticketSelect }),
    ctx.db.message.findMany({
      where: { ticketId: access.ticket.id, visibility: 'public' },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        body: true,
        createdAt: true,
        authorId: true,
        author: { select: { name: true } },
        attachments: { select: attachmentSelect, orderBy: { createdAt: 'asc' } },
      },
    }),
    markNotificationsRead(ctx, access.user.id, access.ticket.id),
  ])
  const tz = ticket.org.timezone
  const [laDates, coverNotices, checklist] = await Promise.all([
    familyLaDates(ctx, access.ticket.id),
    coverNoticesForFamily(ctx.db, ticket.caseId),
    ticketChecklistView(ctx, access, tz),
  ])
  const base = `/tickets/${ticket.org.slug}/${ticket.number}`
  const now = Date.now()
  const canReopen =
    ticket.status === 'resolved' &&
    (ticket.reopenUntil === null || ticket.reopenUntil.getTime() > now) &&
    roleHasPermission(access.role, 'reopen:ticket:own')
  return {
    role: 'family' as const,
    ticket: {
      number: ticket.number,
      subject: ticket.subject,
      conversation: ticket.kind === 'conversation',
      // A document request whose file has not come yet: the reply form asks for it.
      awaitedDocument:
        ticket.requestedDocument !== null && checklist.items.some((item) => item.awaitsFamilyFile && !item.done)
          ? ticket.requestedDocument
          : null,
      childName: ticket.childName,
      type: TYPE_LABELS[ticket.type],
      organisation: { slug: ticket.org.slug, name: ticket.org.name },
      status: ticket.status,
      statusLabel: familyStatusLabel(ticket.status, ticket.awaiting),
      statusHint: familyStatusHint(ticket.status, ticket.awaiting),
      advocate: ticket.assignee?.name ?? null,
      createdAt: formatDateTime(ticket.createdAt, tz),
      canReply: ticket.status !== 'closed' && roleHasPermission(access.role, 'reply:ticket:own'),
      canReopen,
      reopenUntil: canReopen && ticket.reopenUntil ? formatDateTime(ticket.reopenUntil, tz) : null,
      replyBy: ticket.status === 'pending_family' && ticket.autoCloseAt ? formatDateTime(ticket.autoCloseAt, tz) : null,
      laDeadline: ticket.status === 'pending_la' && ticket.laDeadline ? formatDateTime(ticket.laDeadline, tz) : null,
      followUpHref: ticket.status === 'closed' ? `/orgs/${ticket.org.slug}/request?followUp=${ticket.number}` : null,
      laDates,
      coverNotices,
    },
    attachments: { accept: ACCEPT_ATTRIBUTE, hint: ATTACHMENT_HINT },
    // Read only, without the staff-only items (checklist.server.ts).
    checklist: {
      progress: checklist.progress,
      items: checklist.items.map((item) => ({ id: item.id, title: item.title, done: item.done, doneAt: item.doneAt })),
    },
    messages: messages.map((m) => ({
      id: m.id,
      body: m.body,
      author: m.authorId === ticket.requesterId ? 'You' : m.author.name,
      fromFamily: m.authorId === ticket.requesterId,
      internal: false,
      at: formatDateTime(m.createdAt, tz),
      attachments: attachmentLinks(base, m.attachments),
    })),
  }
}

/**
 * The council's dates from the ticket's case, in the family's words: those still
 * to come or missed; met ones and exceptions (the advocate's notes) stay with staff.
 */
async function familyLaDates(ctx: CasewayContext, ticketId: string): Promise<string[]> {
  const { caseId } = await ctx.db.ticket.findUniqueOrThrow({ where: { id: ticketId }, select: { caseId: true } })
  const timeline = caseId ? await readCaseTimeline(ctx, caseId) : null
  if (!timeline) return []
  return timeline.deadlines
    .filter((deadline) => deadline.state === 'due' || deadline.state === 'overdue')
    .map((deadline) => {
      const sentence = describeDeadline(deadline, timeline.childName, 'family')
      return deadline.state === 'overdue' ? `${sentence} That date has passed: your advocate is following it up.` : sentence
    })
}

/** The page for the organisation's team; `?savedReply=<id>` puts that saved reply in the reply box. */
export async function staffTicketData(ctx: CasewayContext, access: TicketAccess, search: URLSearchParams = new URLSearchParams()) {
  const can = (p: Parameters<typeof roleHasPermission>[1]) => roleHasPermission(access.role, p)
  const [ticket, live] = await Promise.all([
    ctx.db.ticket.findUniqueOrThrow({
      where: { id: access.ticket.id },
      select: {
        ...ticketSelect,
        reopenedByFamily: true,
        slaState: true,
        slaDueAt: true,
        slaTargets: true,
        requester: { select: { name: true, email: true } },
        department: { select: { id: true, name: true } },
        case: { select: { id: true, number: true, caseRef: true, orgId: true, advocateId: true } },
        messages: {
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          select: {
            id: true,
            body: true,
            visibility: true,
            createdAt: true,
            authorId: true,
            author: { select: { name: true } },
            attachments: { select: attachmentSelect, orderBy: { createdAt: 'asc' } },
          },
        },
        events: { orderBy: { seq: 'asc' }, select: { seq: true, kind: true, actorId: true, data: true, at: true } },
      },
    }),
    getTicketLiveView(ctx, access.ticket),
    markNotificationsRead(ctx, access.user.id, access.ticket.id),
  ])
  const tz = ticket.org.timezone
  const base = `/tickets/${ticket.org.slug}/${ticket.number}`
  // The workflow's view is the truth; the row catches up when its save activity runs.
  const view: TicketView | null = live.status === 'ok' ? live.view : null
  const status: TicketStatus = view?.status ?? ticket.status
  const assigneeId = view ? view.assigneeId : ticket.assigneeId
  const awaiting = view ? view.awaiting : ticket.awaiting
  const reopenedByFamily = view ? view.reopenedByFamily : ticket.reopenedByFamily
  const caseRef = view ? view.caseRef : ticket.caseRef
  const priority = view?.priority ?? ticket.priority
  const type = view?.type ?? ticket.type
  const open = (OPEN_STATUSES as readonly string[]).includes(status)

  // A link to the case page for those the case's own rule lets in.
  const caseLink =
    ticket.case && maySeeCase(await caseScope(ctx.db, { orgId: ticket.case.orgId, userId: access.user.id }), ticket.case)
      ? { caseRef: ticket.case.caseRef, href: `/staff/cases/${ticket.case.number}?org=${encodeURIComponent(ticket.org.slug)}` }
      : null

  const chosenReply = search.get('savedReply')
  const [loads, opensCase, watchers, replies, replyDraft, departments, tags, orgTags, history, time, related, checklist, tasks] =
    await Promise.all([
      advocateLoads(ctx.db, access.ticket.orgId),
      assignmentOpensCase(ctx.db, access.ticket, null),
      ticketWatchers(ctx.db, access.ticket.id),
      savedReplies(ctx.db, access.ticket.orgId),
      chosenReply ? savedReply(ctx.db, access.ticket.orgId, chosenReply) : null,
      // Archived ones too, for the timeline's names; only active ones are offered.
      ctx.db.department.findMany({
        where: { orgId: access.ticket.orgId },
        orderBy: { name: 'asc' },
        select: { id: true, name: true, archivedAt: true },
      }),
      ticketTags(ctx.db, access.ticket.id),
      organisationTags(ctx.db, access.ticket.orgId),
      ticketHistory(ctx.db, access.ticket),
      ticketTime(ctx, access, ticket.org.timezone),
      ticketRelated(ctx, access, ticket.org.slug),
      ticketChecklistView(ctx, access, tz),
      ticketTasksView(ctx, access, tz),
    ])
  const departmentNames = new Map(departments.map((d) => [d.id, d.name]))
  const names = new Map<string, string>(loads.map((m) => [m.userId, m.name]))
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
  const when = (iso: string | Date | null | undefined) => (iso ? formatDateTime(iso, tz) : null)

  // Messages that came by mail: staff may read the original.
  const byMail = new Set(
    (
      await ctx.db.inboundMail.findMany({
        where: { ticketId: ticket.id, messageId: { in: ticket.messages.map((m) => m.id) } },
        select: { messageId: true },
      })
    ).map((mail) => mail.messageId),
  )
  const toMessage = (m: (typeof ticket.messages)[number]) => ({
    id: m.id,
    body: m.body,
    author: m.author.name,
    fromFamily: m.authorId === ticket.requesterId,
    internal: m.visibility === 'internal',
    at: formatDateTime(m.createdAt, tz),
    attachments: attachmentLinks(base, m.attachments),
    originalMailHref: byMail.has(m.id) ? `${base}/messages/${m.id}/original` : null,
  })

  // Each SLA target, live when the workflow answers, else as last saved.
  const now = Date.now()
  const targets = view?.sla
    ? view.sla.targets.map((t) => ({
        key: `${t.kind}-${t.cycle}`,
        label: t.kind === 'next_response' && t.cycle > 1 ? `${SLA_KIND_LABELS[t.kind]} (${t.cycle})` : SLA_KIND_LABELS[t.kind],
        chip: slaChip({ state: t.state, dueAt: t.dueAt ?? (t.state === 'breached' ? t.breachedAt : null) }, now),
        due: when(t.dueAt),
        stopped: when(t.stoppedAt),
        breachedAt: when(t.breachedAt),
        paused: t.paused,
        calendar: t.calendar === 'business' ? 'business hours' : 'around the clock',
        // Which wait for a reply to the family this is, for the label's "(2)".
        waitNumber: t.kind === 'next_response' && t.cycle > 1 ? t.cycle : null,
      }))
    : (Array.isArray(ticket.slaTargets)
        ? (ticket.slaTargets as { kind: keyof typeof SLA_KIND_LABELS; dueAt: string | null; state: keyof typeof SLA_STATE_LABELS }[])
        : []
      ).map((t, i) => ({
        key: `${t.kind}-${i}`,
        label: SLA_KIND_LABELS[t.kind] ?? humanise(String(t.kind)),
        chip: slaChip({ state: t.state, dueAt: t.dueAt }, now),
        due: when(t.dueAt),
        stopped: null,
        breachedAt: null,
        paused: t.state === 'paused',
        calendar: null,
        waitNumber: null,
      }))

  const laDeadline = view ? view.laDeadline : (ticket.laDeadline?.toISOString() ?? null)
  const laOverdue = view ? view.laOverdue : ticket.laOverdue
  const notClosed = status !== 'closed'
  return {
    role: 'staff' as const,
    ticket: {
      number: ticket.number,
      subject: ticket.subject,
      conversation: ticket.kind === 'conversation',
      organisation: { slug: ticket.org.slug, name: ticket.org.name },
      family: { name: ticket.requester.name, email: ticket.requester.email },
      childName: ticket.childName,
      type: TYPE_LABELS[type],
      typeValue: type,
      department: ticket.department.name,
      departmentId: ticket.department.id,
      priority: PRIORITY_LABELS[priority],
      priorityValue: priority,
      status,
      statusLabel: staffStatusLabel(status),
      statusReason: view?.statusReason ?? null,
      awaiting,
      familyMarker: familyMarker(status, awaiting, reopenedByFamily),
      assignee: assigneeId ? nameOf(assigneeId) : null,
      assigneeId,
      caseRef,
      caseOpen: caseRef !== null && open,
      caseLink,
      createdAt: formatDateTime(ticket.createdAt, tz),
      laDeadline: status === 'pending_la' ? when(laDeadline) : null,
      laDeadlineDate: status === 'pending_la' && laDeadline ? dateInput(laDeadline, tz) : '',
      laOverdue: status === 'pending_la' && laOverdue,
      autoCloseAt: status === 'pending_family' ? when(view ? view.autoCloseAt : ticket.autoCloseAt) : null,
      reopenUntil: status === 'resolved' ? when(view ? view.reopenUntil : ticket.reopenUntil) : null,
      closeReason: status === 'closed' ? (view?.closeReason ?? ticket.closeReason) : null,
    },
    sla: { targets, fromLiveView: Boolean(view?.sla) },
    live:
      live.status === 'ok'
        ? { available: true as const, version: live.view.version, updatedAt: formatDateTime(live.view.updatedAt, tz) }
        : { available: false as const, message: live.message },
    conversation: ticket.messages.filter((m) => m.visibility === 'public').map(toMessage),
    notes: ticket.messages.filter((m) => m.visibility === 'internal').map(toMessage),
    // The workflow's events and the plain records' history, in the order they happened.
    timeline: [
      ...ticket.events.map((e) => ({
        key: `event-${e.seq}`,
        instant: e.at.getTime(),
        text: describeEvent(
          e.kind,
          asRecord(e.data),
          nameOf,
          (iso) => when(iso)?.text ?? null,
          (id) => (typeof id === 'string' ? (departmentNames.get(id) ?? null) : null),
        ),
        actor: nameOf(e.actorId),
        at: formatDateTime(e.at, tz),
      })),
      ...history.map((h) => ({ key: h.id, instant: h.at.getTime(), text: h.text, actor: null, at: formatDateTime(h.at, tz) })),
    ]
      .sort((a, b) => a.instant - b.instant)
      .map(({ instant: _instant, ...line }) => line),
    transitions: allowedTransitions(status).map((s) => ({ value: s, label: STATUS_LABELS[s] })),
    team: can('assign:ticket:any')
      ? // The case's own advocate joins their case: no capacity to override for them.
        loads.map((m) => ({ ...m, atCapacity: m.atCapacity && m.userId !== ticket.case?.advocateId, load: describeLoad(m) }))
      : [],
    opensCase,
    departments: departments
      .filter((d) => d.archivedAt === null || d.id === ticket.department.id)
      .map((d) => ({ value: d.id, label: d.archivedAt ? `${d.name} (archived)` : d.name })),
    savedReplies: replies.map((r) => ({ id: r.id, title: r.title })),
    replyDraft: replyDraft ? { id: replyDraft.id, body: replyDraft.body } : null,
    tags,
    // Suggestions for a new tag: the organisation's others.
    tagSuggestions: orgTags.filter((t) => !tags.some((mine) => mine.id === t.id)).map((t) => t.name),
    time,
    related,
    checklist,
    tasks,
    watchers,
    // The team members who could be added as watchers: everyone not watching yet.
    watchCandidates: can('watch:ticket:org')
      ? loads.filter((m) => !watchers.some((w) => w.id === m.userId)).map((m) => ({ id: m.userId, name: m.name }))
      : [],
    me: { id: access.user.id },
    // Only what the rules allow now: nothing changes a closed ticket.
    permissions: {
      note: can('note:ticket:org'),
      reply: notClosed && can('reply:ticket:org'),
      changeStatus: can('change-status:ticket:org'),
      laResponse: status === 'pending_la' && can('change-status:ticket:org'),
      changePriority: notClosed && can('change-priority:ticket:org'),
      changeType: notClosed && can('change-type:ticket:org'),
      changeDepartment: notClosed && can('change-department:ticket:org'),
      linkCase: notClosed && can('link-case:ticket:org'),
      assignAny: notClosed && can('assign:ticket:any') && !access.coverOnly,
      assignSelf: notClosed && can('assign:ticket:self') && assigneeId !== access.user.id && !access.coverOnly,
      // A closed ticket has nothing left to hear about.
      watch: notClosed && can('watch:ticket:org'),
      tag: can('tag:ticket:org'),
      logTime: can('log-time:ticket:org'),
      link: can('link:ticket:org'),
      checklist: can('checklist:ticket:org'),
      tasks: can('task:ticket:org'),
    },
    attachments: { accept: ACCEPT_ATTRIBUTE, hint: ATTACHMENT_HINT },
    inspectUrl: can('inspect:workflow:org') ? workflowUiUrl(ctx.env, ticketWorkflowId(ticket.id)) : null,
  }
}

/** YYYY-MM-DD of an instant in the organisation's zone, for a date input's value. */
function dateInput(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso))
  } catch {
    return iso.slice(0, 10)
  }
}

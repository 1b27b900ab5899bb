import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { SLA_FILTER_STATES } from '../../../domain/sla.ts'
import { PRIORITIES, PRIORITY_LABELS, TICKET_STATUSES, TICKET_TYPES, TYPE_LABELS, type Role } from '../../../domain/ticket.ts'
import { BULK_FORM_ID, ChangeBar } from '../components/bulk-change-bar.tsx'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { SelectField, TextField } from '../components/form-fields.tsx'
import { QueueCards, QueueTable, SORT_WORDS, type QueueTicket } from '../components/queue-table.tsx'
import {
  Button,
  buttonClass,
  Card,
  EmptyState,
  linkClass,
  OrganisationSwitch,
  PageHeader,
  Pager,
  SwitchNav,
  TabNav,
} from '../components/ui.tsx'
import { UnassignedRequests } from '../components/unassigned-requests.tsx'
import {
  DEFAULT_DIRECTION,
  hasFilters,
  NO_FILTERS,
  OPEN_STATUSES,
  parseQueueQuery,
  QUEUE_SORTS,
  QUEUE_VIEWS,
  queuePage,
  queueSearchParams,
  unassignedRequests,
  viewInAddress,
  type QueueQuery,
  type QueueSort,
  type QueueTab,
  type QueueView,
} from '../../../services/queue.server.ts'
import { requireUser, staffMemberships, type SessionUser } from '../utils/auth.server.ts'
import { queueViewCookie } from '../utils/cookies.server.ts'
import { answered, familyMarker, formatShortDateTime, staffStatusLabel } from '../utils/format.ts'
import { notFound } from '../utils/http.ts'
import { roleHasPermission } from '../utils/permissions.ts'
import { organisationTags } from '../../../services/tags.server.ts'
import { ticketScope } from '../../../services/ticket-access.server.ts'
import { passagePieces } from '../../../services/ticket-search.server.ts'
import { SLA_STATE_LABELS, slaChip } from '../utils/sla-chips.ts'
import { newSubmissionToken } from '../utils/submissions.server.ts'
import { bulkChangeChoices } from '../utils/bulk-change.server.ts'

export const meta: MetaFunction = () => [{ title: 'Ticket queue · Caseway' }]

const TAB_LABELS: Record<QueueTab, string> = {
  open: 'All open',
  ...(Object.fromEntries(TICKET_STATUSES.map((s) => [s, staffStatusLabel(s)])) as Record<(typeof TICKET_STATUSES)[number], string>),
}

const VIEW_LABELS: Record<QueueView, string> = { mine: 'My tickets', all: 'All tickets' }

/** How many of the newest unassigned requests the landing page lists. */
const UNASSIGNED_SHOWN = 5

const RememberedView = z.object({ userId: z.string(), view: z.enum(QUEUE_VIEWS) })

/**
 * The view to show: the one the address names (remembered for next time), else
 * the one this person last chose, else their role's: an advocate starts on
 * their own tickets, an admin on the organisation's.
 */
async function chooseView(context: LoaderFunctionArgs['context'], request: Request, user: SessionUser, role: Role) {
  const cookie = queueViewCookie(context.env, request)
  const stored = RememberedView.safeParse(await cookie.parse(request.headers.get('Cookie')))
  const remembered = stored.success && stored.data.userId === user.id ? stored.data.view : null
  const named = viewInAddress(new URL(request.url).searchParams)
  const headers = new Headers()
  if (named && named !== remembered) headers.append('Set-Cookie', await cookie.serialize({ userId: user.id, view: named }))
  return { view: named ?? remembered ?? (role === 'admin' ? 'all' : 'mine'), headers }
}

const slaOf = (t: { slaState: Parameters<typeof slaChip>[0]['state']; slaDueAt: Date | null; slaTargets: unknown }, now: number) =>
  slaChip({ state: t.slaState, dueAt: t.slaDueAt, targets: Array.isArray(t.slaTargets) ? (t.slaTargets as never[]) : [] }, now)

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request)
  const url = new URL(request.url)
  const teams = staffMemberships(user)
  if (!teams.length) throw new Response('The ticket queue is for an organisation’s staff.', { status: 403 })
  const orgSlug = url.searchParams.get('org')
  const team = orgSlug ? teams.find((m) => m.org.slug === orgSlug) : teams[0]
  if (!team) throw notFound('You are not on the team of that organisation.')
  if (!roleHasPermission(team.role, 'read:queue:org')) throw new Response('Not allowed', { status: 403 })

  const { view, headers } = await chooseView(context, request, user, team.role)
  const query = parseQueueQuery(url.searchParams, { view })
  const landing = query.tab === 'open' && !hasFilters(query.filters) && !query.after && !query.before
  const scope = await ticketScope(context.db, { orgId: team.orgId, userId: user.id })
  const [org, page, departments, unassigned, tags, changeChoices] = await Promise.all([
    context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { id: true, slug: true, name: true, timezone: true } }),
    queuePage(context, { orgId: team.orgId, userId: user.id, scope, query }),
    context.db.department.count({ where: { orgId: team.orgId } }),
    landing ? unassignedRequests(context, { orgId: team.orgId, scope, take: UNASSIGNED_SHOWN }) : null,
    organisationTags(context.db, team.orgId),
    bulkChangeChoices(context.db, { orgId: team.orgId, user, role: team.role }),
  ])
  const now = Date.now()

  const href = (q: Omit<QueueQuery, 'after' | 'before'>, cursor: { after?: string; before?: string } = {}) => {
    const params = queueSearchParams(q, cursor)
    if (teams.length > 1) params.set('org', org.slug)
    return `/staff/tickets?${params}`
  }
  const base = { view: query.view, tab: query.tab, filters: query.filters, sort: query.sort, dir: query.dir }
  // The filter form sends every field, chosen or not: keep the address short and shareable.
  if ([...url.searchParams].some(([key, value]) => value === '' || (key === 'assignee' && value === 'any')))
    throw redirect(href(base, { after: query.after ?? undefined, before: query.before ?? undefined }), { headers })
  const sortHref = (sort: QueueSort) =>
    href({ ...base, sort, dir: sort === query.sort ? (query.dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIRECTION[sort] })

  const tickets = page.rows.map((t): QueueTicket => {
    const open = (OPEN_STATUSES as readonly string[]).includes(t.status)
    const family = familyMarker(t.status, t.awaiting, t.reopenedByFamily)
    return {
      href: `/tickets/${org.slug}/${t.number}`,
      number: t.number,
      subject: t.subject,
      family: t.familyName,
      type: TYPE_LABELS[t.type],
      department: t.departmentName,
      status: t.status,
      statusLabel: staffStatusLabel(t.status),
      markers: [
        ...(t.kind === 'conversation' ? [{ text: 'Conversation', tone: 'slate' as const }] : []),
        ...(family ? [{ text: family, tone: 'violet' as const }] : []),
        ...(answered(t.status, t.awaiting) ? [{ text: 'Answered', tone: 'sky' as const }] : []),
        ...(t.caseRef !== null && open ? [{ text: 'Case open', tone: 'teal' as const }] : []),
      ],
      tags: t.tags,
      checklist: t.checklistTotal ? { done: t.checklistDone, total: t.checklistTotal } : null,
      passage: t.passage ? passagePieces(t.passage) : null,
      priority: PRIORITY_LABELS[t.priority],
      urgent: t.priority === 'urgent',
      sla: open ? slaOf(t, now) : null,
      assignee: t.assigneeName,
      mine: t.assigneeId === user.id,
      lastUpdate: formatShortDateTime(t.lastActivityAt, org.timezone, new Date(now)),
    }
  })

  return data(
    {
      org: { slug: org.slug, name: org.name },
      mayMessageFamilies: roleHasPermission(team.role, 'start:conversation:org'),
      teams: teams.length > 1 ? teams.map((m) => ({ slug: m.org.slug, name: m.org.name })) : [],
      query: { ...base, filtered: hasFilters(query.filters) },
      showDepartment: departments > 0,
      tags: tags.map((t) => ({ value: t.id, label: t.name })),
      views: QUEUE_VIEWS.map((v) => ({ key: v, label: VIEW_LABELS[v], href: href({ ...base, view: v }) })),
      tabs: (['open', ...TICKET_STATUSES] as const).map((tab) => ({
        key: tab,
        label: TAB_LABELS[tab],
        count: page.counts[tab],
        href: href({ ...base, tab }),
      })),
      sortLinks: Object.fromEntries(QUEUE_SORTS.map((sort) => [sort, sortHref(sort)])) as Record<QueueSort, string>,
      clearHref: href({ ...base, filters: NO_FILTERS }),
      allTicketsHref: query.view === 'mine' ? href({ ...base, view: 'all' }) : null,
      unassigned: unassigned && {
        count: unassigned.count,
        allHref: href({ view: 'all', tab: 'open', filters: { ...NO_FILTERS, assignee: 'unassigned' }, sort: 'activity', dir: 'desc' }),
        requests: unassigned.tickets.map((t) => ({
          href: `/tickets/${org.slug}/${t.number}`,
          number: t.number,
          subject: t.subject,
          family: t.requester.name,
          status: t.status,
          statusLabel: staffStatusLabel(t.status),
          received: formatShortDateTime(t.createdAt, org.timezone, new Date(now)),
          sla: slaOf(t, now),
        })),
      },
      tickets,
      bulk: { token: newSubmissionToken(), choices: changeChoices },
      previous: page.previous ? href(base, { before: page.previous }) : null,
      next: page.next ? href(base, { after: page.next }) : null,
      firstPage: page.previous ? href(base) : null,
    },
    { headers },
  )
}

export default function StaffQueue() {
  const {
    org,
    teams,
    query,
    showDepartment,
    tags: tagOptions,
    views,
    tabs,
    sortLinks,
    clearHref,
    allTicketsHref,
    unassigned,
    tickets,
    bulk,
    previous,
    next,
    firstPage,
    mayMessageFamilies,
  } = useLoaderData<typeof loader>()
  const searching = useNavigation().state === 'loading'
  const current = tabs.find((t) => t.key === query.tab)!
  const viewLabel = VIEW_LABELS[query.view]
  const f = query.filters
  const caption = `${viewLabel}, ${current.label}, ${SORT_WORDS[query.sort][query.dir]}`
  const lists = { caption, tickets, order: query, sortLinks, showDepartment, bulkForm: BULK_FORM_ID }
  return (
    <div className="space-y-5">
      <PageHeader title="Ticket queue" eyebrow={org.name}>
        {mayMessageFamilies ? (
          <Link to={`/staff/conversations/new${teams.length > 1 ? `?org=${org.slug}` : ''}`} className={buttonClass('secondary')}>
            Message a family
          </Link>
        ) : null}
        <SwitchNav label="Queue view" options={views} current={query.view} />
        <OrganisationSwitch orgs={teams} current={org.slug} href={(slug) => `/staff/tickets?org=${slug}`} />
      </PageHeader>

      {unassigned ? <UnassignedRequests count={unassigned.count} requests={unassigned.requests} allHref={unassigned.allHref} /> : null}

      <Card className="!p-4">
        <Form
          method="get"
          role="search"
          aria-label="Ticket filters"
          className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4 xl:grid-cols-9 xl:items-end"
        >
          {teams.length ? <input type="hidden" name="org" value={org.slug} /> : null}
          <input type="hidden" name="view" value={query.view} />
          {query.tab !== 'open' ? <input type="hidden" name="status" value={query.tab} /> : null}
          {query.sort !== 'activity' || query.dir !== 'desc' ? (
            <>
              <input type="hidden" name="sort" value={query.sort} />
              <input type="hidden" name="dir" value={query.dir} />
            </>
          ) : null}
          <div className="col-span-2">
            <TextField
              label="Search"
              name="q"
              type="search"
              defaultValue={f.q}
              hint="Number, subject, child, case reference, family, tag, or words from messages and notes"
            />
          </div>
          <SelectField
            label="Assignee"
            name="assignee"
            options={[
              { value: 'any', label: 'Anyone' },
              { value: 'mine', label: 'Assigned to me' },
              { value: 'unassigned', label: 'Unassigned' },
            ]}
            defaultValue={f.assignee}
          />
          <SelectField
            label="Type"
            name="type"
            placeholder="Any"
            options={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
            defaultValue={f.type ?? ''}
          />
          <SelectField
            label="Priority"
            name="priority"
            placeholder="Any"
            options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
            defaultValue={f.priority ?? ''}
          />
          <SelectField
            label="SLA"
            name="sla"
            placeholder="Any"
            options={SLA_FILTER_STATES.map((s) => ({ value: s, label: SLA_STATE_LABELS[s] }))}
            defaultValue={f.sla ?? ''}
          />
          <SelectField
            label="Last reply"
            name="reply"
            placeholder="Anyone"
            options={[
              { value: 'family', label: 'Family replied' },
              { value: 'staff', label: 'Answered' },
            ]}
            defaultValue={f.lastReply ?? ''}
          />
          {tagOptions.length ? (
            <SelectField label="Tag" name="tag" placeholder="Any" options={tagOptions} defaultValue={f.tag ?? ''} />
          ) : null}
          <div className="col-span-2 flex flex-wrap items-center gap-x-4 gap-y-2 lg:col-span-1">
            <Button variant="secondary">Apply filters</Button>
            {query.filtered ? (
              <Link to={clearHref} className={linkClass}>
                Clear filters
              </Link>
            ) : null}
          </div>
        </Form>
      </Card>

      <TabNav label="Ticket status" tabs={tabs} current={query.tab} />

      <p aria-live="polite" className="text-sm text-slate-600">
        {searching
          ? 'Loading…'
          : `${current.count} ${current.count === 1 ? 'ticket' : 'tickets'} in ${viewLabel}, ${current.label}${query.filtered ? ', matching the filters' : ''}`}
      </p>

      {tickets.length ? (
        <>
          <ChangeBar
            token={bulk.token}
            org={teams.length ? org.slug : null}
            pageNumbers={tickets.map((t) => t.number)}
            choices={bulk.choices}
          />
          <QueueTable {...lists} />
          <QueueCards {...lists} />
        </>
      ) : (
        <EmptyState>
          {allTicketsHref ? (
            <>
              {query.filtered ? 'None of your tickets match these filters.' : 'None of your tickets are here.'} Yours are the tickets
              assigned to you or that you watch.{' '}
              <Link to={allTicketsHref} className={linkClass}>
                Look in all tickets
              </Link>
            </>
          ) : query.filtered ? (
            'No tickets match these filters.'
          ) : (
            'No tickets here.'
          )}
        </EmptyState>
      )}
      <Pager label="Pages" previous={previous} next={next} />
      {firstPage ? (
        <p className="text-sm">
          <Link to={firstPage} className={linkClass}>
            Back to the first page
          </Link>
        </p>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

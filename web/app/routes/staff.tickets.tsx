import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react'
import { PRIORITIES, PRIORITY_LABELS, TICKET_STATUSES, TICKET_TYPES, TYPE_LABELS } from '../../../domain/ticket.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { CheckboxField, SelectField, TextField } from '../components/form-fields.tsx'
import {
  Badge,
  Button,
  Card,
  DateTime,
  EmptyState,
  linkClass,
  Marker,
  OrganisationSwitch,
  PageHeader,
  Pager,
  SlaChip,
  TabNav,
} from '../components/ui.tsx'
import {
  DEFAULT_DIRECTION,
  hasFilters,
  OPEN_STATUSES,
  parseQueueQuery,
  queuePage,
  queueSearchParams,
  type QueueQuery,
  type QueueSort,
  type QueueTab,
} from '../../../services/queue.server.ts'
import { requireUser, staffMemberships } from '../utils/auth.server.ts'
import { familyReplied, formatShortDateTime, staffStatusLabel, statusTone } from '../utils/format.ts'
import { notFound } from '../utils/http.ts'
import { roleHasPermission } from '../utils/permissions.ts'
import { SLA_STATE_LABELS, slaChip } from '../utils/sla-chips.ts'
import { SLA_FILTER_STATES } from '../../../domain/sla.ts'

export const meta: MetaFunction = () => [{ title: 'Ticket queue · Caseway' }]

const TAB_LABELS: Record<QueueTab, string> = {
  open: 'All open',
  ...(Object.fromEntries(TICKET_STATUSES.map((s) => [s, staffStatusLabel(s)])) as Record<(typeof TICKET_STATUSES)[number], string>),
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request)
  const url = new URL(request.url)
  const teams = staffMemberships(user)
  if (!teams.length) throw new Response('The ticket queue is for an organisation’s staff.', { status: 403 })
  const orgSlug = url.searchParams.get('org')
  const team = orgSlug ? teams.find((m) => m.org.slug === orgSlug) : teams[0]
  if (!team) throw notFound('You are not on the team of that organisation.')
  if (!roleHasPermission(team.role, 'read:queue:org')) throw new Response('Not allowed', { status: 403 })

  const query = parseQueueQuery(url.searchParams)
  const [org, page, departments] = await Promise.all([
    context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { id: true, slug: true, name: true, timezone: true } }),
    queuePage(context, { orgId: team.orgId, userId: user.id, query }),
    context.db.department.count({ where: { orgId: team.orgId } }),
  ])
  const now = Date.now()

  const href = (q: Omit<QueueQuery, 'after' | 'before'>, cursor: { after?: string; before?: string } = {}) => {
    const params = queueSearchParams(q, cursor)
    if (teams.length > 1) params.set('org', org.slug)
    const text = params.toString()
    return `/staff/tickets${text ? `?${text}` : ''}`
  }
  const base = { tab: query.tab, filters: query.filters, sort: query.sort, dir: query.dir }
  // The filter form sends every field, chosen or not: keep the address short and shareable.
  if ([...url.searchParams].some(([key, value]) => value === '' || (key === 'assignee' && value === 'any')))
    throw redirect(href(base, { after: query.after ?? undefined, before: query.before ?? undefined }))
  const sortHref = (sort: QueueSort) =>
    href({ ...base, sort, dir: sort === query.sort ? (query.dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIRECTION[sort] })

  return {
    org: { slug: org.slug, name: org.name },
    teams: teams.length > 1 ? teams.map((m) => ({ slug: m.org.slug, name: m.org.name })) : [],
    query: { ...base, filtered: hasFilters(query.filters) },
    showDepartment: departments > 0,
    tabs: (['open', ...TICKET_STATUSES] as const).map((tab) => ({
      key: tab,
      label: TAB_LABELS[tab],
      count: page.counts[tab],
      href: href({ ...base, tab }),
    })),
    sortLinks: Object.fromEntries(
      (['number', 'subject', 'priority', 'sla', 'activity'] as const).map((sort) => [sort, sortHref(sort)]),
    ) as Record<QueueSort, string>,
    clearHref: href({ ...base, filters: { assignee: 'any', type: null, priority: null, sla: null, familyReplied: false, q: '' } }),
    tickets: page.rows.map((t) => {
      const open = (OPEN_STATUSES as readonly string[]).includes(t.status)
      return {
        href: `/tickets/${org.slug}/${t.number}`,
        number: t.number,
        subject: t.subject,
        family: t.familyName,
        type: TYPE_LABELS[t.type],
        department: t.departmentName,
        status: t.status,
        statusLabel: staffStatusLabel(t.status),
        familyReplied: familyReplied(t.status, t.awaiting),
        caseOpen: t.caseRef !== null && open,
        priority: PRIORITY_LABELS[t.priority],
        urgent: t.priority === 'urgent',
        sla: open
          ? slaChip({ state: t.slaState, dueAt: t.slaDueAt, targets: Array.isArray(t.slaTargets) ? (t.slaTargets as never[]) : [] }, now)
          : null,
        assignee: t.assigneeName,
        mine: t.assigneeId === user.id,
        lastUpdate: formatShortDateTime(t.lastActivityAt, org.timezone, new Date(now)),
      }
    }),
    previous: page.previous ? href(base, { before: page.previous }) : null,
    next: page.next ? href(base, { after: page.next }) : null,
    firstPage: page.previous ? href(base) : null,
  }
}

const SORT_WORDS: Record<QueueSort, { asc: string; desc: string }> = {
  number: { asc: 'lowest number first', desc: 'highest number first' },
  subject: { asc: 'subject A to Z', desc: 'subject Z to A' },
  priority: { asc: 'most urgent first', desc: 'least urgent first' },
  sla: { asc: 'SLA due soonest first', desc: 'SLA due latest first' },
  activity: { asc: 'oldest activity first', desc: 'most recent activity first' },
}

function SortHeader({
  sort,
  label,
  query,
  href,
}: {
  sort: QueueSort
  label: string
  query: { sort: QueueSort; dir: 'asc' | 'desc' }
  href: string
}) {
  const active = query.sort === sort
  return (
    <th scope="col" aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined} className="px-2.5 py-3">
      <Link to={href} className="inline-flex items-center gap-1 rounded hover:text-slate-900 hover:underline">
        {label}
        <span aria-hidden="true" className={active ? 'text-indigo-800' : 'text-slate-400'}>
          {active ? (query.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </Link>
    </th>
  )
}

export default function StaffQueue() {
  const { org, teams, query, showDepartment, tabs, sortLinks, clearHref, tickets, previous, next, firstPage } =
    useLoaderData<typeof loader>()
  const searching = useNavigation().state === 'loading'
  const current = tabs.find((t) => t.key === query.tab)!
  const f = query.filters
  return (
    <div className="space-y-5">
      <PageHeader title="Ticket queue" eyebrow={org.name}>
        <OrganisationSwitch orgs={teams} current={org.slug} href={(slug) => `/staff/tickets?org=${slug}`} />
      </PageHeader>

      <Card className="!p-4">
        <Form method="get" role="search" aria-label="Ticket filters" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-6 lg:items-end">
          {teams.length ? <input type="hidden" name="org" value={org.slug} /> : null}
          {query.tab !== 'open' ? <input type="hidden" name="status" value={query.tab} /> : null}
          {query.sort !== 'activity' || query.dir !== 'desc' ? (
            <>
              <input type="hidden" name="sort" value={query.sort} />
              <input type="hidden" name="dir" value={query.dir} />
            </>
          ) : null}
          <div className="sm:col-span-2">
            <TextField label="Search" name="q" type="search" defaultValue={f.q} hint="Ticket number, subject or family name" />
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
            placeholder="Any type"
            options={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
            defaultValue={f.type ?? ''}
          />
          <SelectField
            label="Priority"
            name="priority"
            placeholder="Any priority"
            options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
            defaultValue={f.priority ?? ''}
          />
          <SelectField
            label="SLA"
            name="sla"
            placeholder="Any SLA state"
            options={SLA_FILTER_STATES.map((s) => ({ value: s, label: SLA_STATE_LABELS[s] }))}
            defaultValue={f.sla ?? ''}
          />
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2 sm:col-span-2 lg:col-span-6">
            <CheckboxField label="Family replied" name="replied" defaultChecked={f.familyReplied} />
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
          : `${current.count} ${current.count === 1 ? 'ticket' : 'tickets'} in ${current.label}${query.filtered ? ' matching the filters' : ''}`}
      </p>

      {tickets.length ? (
        <Card className="overflow-x-auto !p-0">
          <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
            <caption className="sr-only">
              {current.label} tickets, {SORT_WORDS[query.sort][query.dir]}
            </caption>
            <thead className="bg-slate-50 text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <SortHeader sort="number" label="No." query={query} href={sortLinks.number} />
                <SortHeader sort="subject" label="Subject" query={query} href={sortLinks.subject} />
                <th scope="col" className="px-2.5 py-3">
                  Family
                </th>
                <th scope="col" className="px-2.5 py-3">
                  Type
                </th>
                {showDepartment ? (
                  <th scope="col" className="px-2.5 py-3">
                    Team
                  </th>
                ) : null}
                <th scope="col" className="px-2.5 py-3">
                  Status
                </th>
                <SortHeader sort="priority" label="Priority" query={query} href={sortLinks.priority} />
                <SortHeader sort="sla" label="SLA" query={query} href={sortLinks.sla} />
                <th scope="col" className="px-2.5 py-3">
                  Assignee
                </th>
                <SortHeader sort="activity" label="Last update" query={query} href={sortLinks.activity} />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tickets.map((t) => (
                <tr key={t.href} className="align-top hover:bg-slate-50">
                  <td className="whitespace-nowrap px-2.5 py-3 text-slate-600">#{t.number}</td>
                  <td className="min-w-48 px-2.5 py-3">
                    <Link to={t.href} className="font-medium text-indigo-800 underline-offset-4 hover:underline">
                      {t.subject}
                    </Link>
                    {t.familyReplied || t.caseOpen ? (
                      <span className="mt-1 flex flex-wrap gap-1">
                        {t.familyReplied ? <Marker tone="violet">Family replied</Marker> : null}
                        {t.caseOpen ? <Marker tone="teal">Case open</Marker> : null}
                      </span>
                    ) : null}
                  </td>
                  <td className="px-2.5 py-3">{t.family}</td>
                  <td className="whitespace-nowrap px-2.5 py-3">{t.type}</td>
                  {showDepartment ? <td className="px-2.5 py-3">{t.department ?? <span className="text-slate-500">–</span>}</td> : null}
                  <td className="whitespace-nowrap px-2.5 py-3">
                    <Badge tone={statusTone(t.status)}>{t.statusLabel}</Badge>
                  </td>
                  <td className={`whitespace-nowrap px-2.5 py-3 ${t.urgent ? 'font-semibold text-red-800' : ''}`}>{t.priority}</td>
                  <td className="whitespace-nowrap px-2.5 py-3">
                    <SlaChip chip={t.sla} />
                  </td>
                  <td className="px-2.5 py-3">
                    {t.assignee ? (
                      <>
                        {t.assignee}
                        {t.mine ? <span className="text-slate-600"> (you)</span> : null}
                      </>
                    ) : (
                      <span className="text-slate-600">Unassigned</span>
                    )}
                  </td>
                  <td className="whitespace-nowrap px-2.5 py-3 text-slate-600">
                    <DateTime value={t.lastUpdate} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : (
        <EmptyState>{query.filtered ? 'No tickets match these filters.' : 'No tickets here.'}</EmptyState>
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

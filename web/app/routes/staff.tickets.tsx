import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import {
  PRIORITY_LABELS,
  TICKET_STATUSES,
  TYPE_LABELS,
  type TicketStatus,
} from '../../../domain/ticket.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { Badge, Card, DateTime } from '../components/ui.tsx'
import { requireUser, staffMemberships } from '../utils/auth.server.ts'
import { familyReplied, formatDateTime, isOpenStatus, staffStatusLabel, statusTone } from '../utils/format.ts'
import { notFound } from '../utils/http.ts'
import { roleHasPermission } from '../utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'Ticket queue · Caseway' }]

const PAGE_SIZE = 50
type Tab = 'open' | TicketStatus
const OPEN_STATUSES = TICKET_STATUSES.filter(isOpenStatus)

function parseTab(value: string | null): Tab {
  return value && (TICKET_STATUSES as readonly string[]).includes(value) ? (value as TicketStatus) : 'open'
}

/** Keyset cursor on the queue's sort order (last activity, then id), matching the table's index. */
function encodeCursor(at: Date, id: string) {
  return `${at.toISOString()}_${id}`
}
function decodeCursor(value: string | null): { at: Date; id: string } | null {
  const match = value?.match(/^(\d{4}-\d\d-\d\dT[\d:.]+Z)_([0-9a-f-]{36})$/i)
  if (!match) return null
  const at = new Date(match[1]!)
  return Number.isNaN(at.getTime()) ? null : { at, id: match[2]! }
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

  const tab = parseTab(url.searchParams.get('status'))
  const cursor = decodeCursor(url.searchParams.get('cursor'))
  const org = await context.db.organisation.findUniqueOrThrow({
    where: { id: team.orgId },
    select: { id: true, slug: true, name: true, timezone: true },
  })
  const [grouped, rows] = await Promise.all([
    context.db.ticket.groupBy({ by: ['status'], where: { orgId: org.id }, _count: { _all: true } }),
    context.db.ticket.findMany({
      where: {
        orgId: org.id,
        status: tab === 'open' ? { in: OPEN_STATUSES } : tab,
        ...(cursor
          ? { OR: [{ lastActivityAt: { lt: cursor.at } }, { lastActivityAt: cursor.at, id: { lt: cursor.id } }] }
          : {}),
      },
      orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
      take: PAGE_SIZE + 1,
      select: {
        id: true,
        number: true,
        subject: true,
        type: true,
        status: true,
        awaiting: true,
        priority: true,
        lastActivityAt: true,
        requester: { select: { name: true } },
        assignee: { select: { name: true } },
      },
    }),
  ])
  const counts = Object.fromEntries(TICKET_STATUSES.map((s) => [s, 0])) as Record<TicketStatus, number>
  for (const g of grouped) counts[g.status] = g._count._all
  const page = rows.slice(0, PAGE_SIZE)
  const last = rows.length > PAGE_SIZE ? page[page.length - 1] : undefined

  const query = (params: Record<string, string | undefined>) => {
    const search = new URLSearchParams()
    if (teams.length > 1) search.set('org', org.slug)
    for (const [key, value] of Object.entries(params)) if (value) search.set(key, value)
    const text = search.toString()
    return `/staff/tickets${text ? `?${text}` : ''}`
  }

  return {
    org: { slug: org.slug, name: org.name },
    teams: teams.length > 1 ? teams.map((m) => ({ slug: m.org.slug, name: m.org.name })) : [],
    tab,
    tabs: [
      { tab: 'open' as Tab, label: 'All open', count: OPEN_STATUSES.reduce((sum, s) => sum + counts[s], 0), href: query({}) },
      ...TICKET_STATUSES.map((s) => ({ tab: s as Tab, label: staffStatusLabel(s), count: counts[s], href: query({ status: s }) })),
    ],
    tickets: page.map((t) => ({
      href: `/tickets/${org.slug}/${t.number}`,
      number: t.number,
      subject: t.subject,
      family: t.requester.name,
      type: TYPE_LABELS[t.type],
      status: t.status,
      statusLabel: staffStatusLabel(t.status),
      familyReplied: familyReplied(t.status, t.awaiting),
      priority: PRIORITY_LABELS[t.priority],
      assignee: t.assignee?.name ?? null,
      lastUpdate: formatDateTime(t.lastActivityAt, org.timezone),
    })),
    olderHref: last
      ? query({ status: tab === 'open' ? undefined : tab, cursor: encodeCursor(last.lastActivityAt, last.id) })
      : null,
  }
}

export default function StaffQueue() {
  const { org, teams, tab, tabs, tickets, olderHref } = useLoaderData<typeof loader>()
  const current = tabs.find((t) => t.tab === tab)!
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <p className="text-sm text-slate-600">{org.name}</p>
          <h1 className="text-2xl font-bold text-slate-900">Ticket queue</h1>
        </div>
        {teams.length ? (
          <nav aria-label="Organisations" className="flex flex-wrap gap-3 text-sm">
            {teams.map((t) => (
              <Link
                key={t.slug}
                to={`/staff/tickets?org=${t.slug}`}
                aria-current={t.slug === org.slug ? 'page' : undefined}
                className="text-indigo-800 underline-offset-4 hover:underline aria-[current=page]:font-semibold"
              >
                {t.name}
              </Link>
            ))}
          </nav>
        ) : null}
      </div>

      <nav aria-label="Ticket status" className="-mx-4 overflow-x-auto px-4">
        <ul className="flex min-w-max gap-1 border-b border-slate-200">
          {tabs.map((t) => (
            <li key={t.tab}>
              <Link
                to={t.href}
                aria-current={t.tab === tab ? 'page' : undefined}
                className="-mb-px inline-flex items-center gap-2 border-b-2 border-transparent px-3 py-2 text-sm font-medium text-slate-600 hover:text-slate-900 aria-[current=page]:border-indigo-700 aria-[current=page]:text-indigo-800"
              >
                {t.label}
                <span className="rounded-full bg-slate-100 px-2 text-xs text-slate-700">{t.count}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {tickets.length ? (
        <Card className="!p-0 overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
            <caption className="sr-only">
              {current.label} tickets, most recent activity first
            </caption>
            <thead className="bg-slate-50 text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-3">No.</th>
                <th scope="col" className="px-3 py-3">Subject</th>
                <th scope="col" className="px-3 py-3">Family</th>
                <th scope="col" className="px-3 py-3">Type</th>
                <th scope="col" className="px-3 py-3">Status</th>
                <th scope="col" className="px-3 py-3">Priority</th>
                <th scope="col" className="px-3 py-3">Assignee</th>
                <th scope="col" className="px-3 py-3">Last update</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tickets.map((t) => (
                <tr key={t.href} className="align-top">
                  <td className="whitespace-nowrap px-3 py-3 text-slate-600">#{t.number}</td>
                  <td className="px-3 py-3">
                    <Link to={t.href} className="font-medium text-indigo-800 underline-offset-4 hover:underline">
                      {t.subject}
                    </Link>
                    {t.familyReplied ? (
                      <span className="ml-2 inline-flex rounded bg-violet-100 px-1.5 py-0.5 text-xs font-semibold text-violet-900">
                        Family replied
                      </span>
                    ) : null}
                  </td>
                  <td className="px-3 py-3">{t.family}</td>
                  <td className="whitespace-nowrap px-3 py-3">{t.type}</td>
                  <td className="whitespace-nowrap px-3 py-3">
                    <Badge tone={statusTone(t.status)}>{t.statusLabel}</Badge>
                  </td>
                  <td className="whitespace-nowrap px-3 py-3">{t.priority}</td>
                  <td className="px-3 py-3">{t.assignee ?? <span className="text-slate-500">Unassigned</span>}</td>
                  <td className="whitespace-nowrap px-3 py-3 text-slate-600">
                    <DateTime value={t.lastUpdate} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : (
        <Card>
          <p className="text-slate-800">No tickets here.</p>
        </Card>
      )}
      {olderHref ? (
        <p>
          <Link to={olderHref} className="font-medium text-indigo-800 underline underline-offset-4">
            Older tickets
          </Link>
        </p>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

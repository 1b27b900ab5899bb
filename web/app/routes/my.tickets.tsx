import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import type { Prisma } from '../../../generated/prisma/client.ts'
import { familyTicketSearch, passagePieces } from '../../../services/ticket-search.server.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { TextField } from '../components/form-fields.tsx'
import { Passage } from '../components/passage.tsx'
import { Badge, Button, buttonClass, Card, DateTime, EmptyState, linkClass, PageHeader, TabNav } from '../components/ui.tsx'
import { requireUser } from '../utils/auth.server.ts'
import { familyStatusLabel, formatDateTime, statusTone } from '../utils/format.ts'

export const meta: MetaFunction = () => [{ title: 'My requests · Caseway' }]

const PAGE_SIZE = 100

const TABS = {
  open: { label: 'Open', where: { status: { notIn: ['resolved', 'closed'] } } },
  waiting: {
    label: 'Waiting for you',
    // As familyStatusLabel: what waits on the family, not on the local authority.
    where: { OR: [{ status: 'pending_family' }, { awaiting: 'family', status: { in: ['new', 'in_progress'] } }] },
  },
  done: { label: 'Finished', where: { status: { in: ['resolved', 'closed'] } } },
  all: { label: 'All', where: {} },
} as const satisfies Record<string, { label: string; where: Prisma.TicketWhereInput }>
type Tab = keyof typeof TABS

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request)
  const params = new URL(request.url).searchParams
  const requested = params.get('tab')
  const tab: Tab = requested && requested in TABS ? (requested as Tab) : 'open'
  const q = (params.get('q') ?? '').trim().slice(0, 200)
  // Only the tickets this person asked for, whatever their role elsewhere; while searching, those that match.
  const hits = q ? await familyTicketSearch(context, { requesterId: user.id, text: q, take: 1000 }) : null
  const passages = new Map(hits?.map((hit) => [hit.id, hit.passage]))
  const mine = hits ? { requesterId: user.id, id: { in: hits.map((hit) => hit.id) } } : { requesterId: user.id }
  const [tickets, ...counts] = await Promise.all([
    context.db.ticket.findMany({
      where: { ...mine, ...TABS[tab].where },
      orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
      take: PAGE_SIZE,
      select: {
        id: true,
        number: true,
        subject: true,
        kind: true,
        status: true,
        awaiting: true,
        lastActivityAt: true,
        reopenUntil: true,
        org: { select: { slug: true, name: true, timezone: true } },
        assignee: { select: { name: true } },
      },
    }),
    ...(Object.keys(TABS) as Tab[]).map((key) => context.db.ticket.count({ where: { ...mine, ...TABS[key].where } })),
  ])
  const tabHref = (key: Tab) => {
    const search = new URLSearchParams({ ...(key === 'open' ? {} : { tab: key }), ...(q ? { q } : {}) }).toString()
    return search ? `/my/tickets?${search}` : '/my/tickets'
  }
  return {
    tab,
    q,
    tabs: (Object.keys(TABS) as Tab[]).map((key, i) => ({ key, label: TABS[key].label, count: counts[i]!, href: tabHref(key) })),
    tickets: tickets.map((t) => ({
      href: `/tickets/${t.org.slug}/${t.number}`,
      number: t.number,
      subject: t.subject,
      conversation: t.kind === 'conversation',
      organisation: t.org.name,
      status: t.status,
      statusLabel: familyStatusLabel(t.status, t.awaiting),
      advocate: t.assignee?.name ?? null,
      lastUpdate: formatDateTime(t.lastActivityAt, t.org.timezone),
      passage: passagePieces(passages.get(t.id) ?? ''),
    })),
  }
}

export default function MyTickets() {
  const { tab, q, tabs, tickets } = useLoaderData<typeof loader>()
  const current = tabs.find((t) => t.key === tab)!
  return (
    <div className="space-y-6">
      <PageHeader title="My requests">
        <Link to="/orgs" className={buttonClass('primary')}>
          Ask for help
        </Link>
      </PageHeader>
      <Form method="get" role="search" className="flex flex-wrap items-end gap-3">
        {tab === 'open' ? null : <input type="hidden" name="tab" value={tab} />}
        <TextField
          label="Search your requests"
          name="q"
          type="search"
          defaultValue={q}
          hint="Words from a subject or a message, or a request number"
        />
        <Button type="submit">Search</Button>
        {q ? (
          <Link to={tab === 'open' ? '/my/tickets' : `/my/tickets?tab=${tab}`} className={linkClass}>
            Clear search
          </Link>
        ) : null}
      </Form>
      <TabNav label="Request status" tabs={tabs} current={tab} />
      {tickets.length ? (
        <ul className="space-y-3" aria-label="Your requests">
          {tickets.map((t) => (
            <li key={t.href}>
              <Card className="!p-4">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div className="min-w-0">
                    <p className="text-sm text-slate-600">
                      {t.conversation ? 'Conversation' : 'Request'} #{t.number} · {t.organisation}
                    </p>
                    <Link to={t.href} className="text-lg font-semibold text-indigo-800 underline-offset-4 hover:underline">
                      {t.subject}
                    </Link>
                    <Passage pieces={t.passage} />
                  </div>
                  <Badge tone={statusTone(t.status)}>{t.statusLabel}</Badge>
                </div>
                <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-1 text-sm text-slate-700 sm:grid-cols-2">
                  <div>
                    <dt className="inline font-medium">Advocate: </dt>
                    <dd className="inline">{t.advocate ?? 'Not assigned yet'}</dd>
                  </div>
                  <div>
                    <dt className="inline font-medium">Last update: </dt>
                    <dd className="inline">
                      <DateTime value={t.lastUpdate} />
                    </dd>
                  </div>
                </dl>
              </Card>
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState>
          {q ? (
            `No requests in “${current.label}” match “${q}”.`
          ) : tab === 'open' && tabs.find((t) => t.key === 'all')!.count === 0 ? (
            <>
              You have not sent any requests yet.{' '}
              <Link to="/orgs" className={linkClass}>
                Find an organisation to ask for help
              </Link>
              .
            </>
          ) : (
            `No requests in “${current.label}”.`
          )}
        </EmptyState>
      )}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

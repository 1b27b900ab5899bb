import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { Badge, Card, DateTime } from '../components/ui.tsx'
import { requireUser } from '../utils/auth.server.ts'
import { familyStatusLabel, formatDateTime, statusTone } from '../utils/format.ts'

export const meta: MetaFunction = () => [{ title: 'My requests · Caseway' }]

const PAGE_SIZE = 100

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request)
  // Only the tickets this person asked for, whatever their role elsewhere.
  const [tickets, organisations] = await Promise.all([
    context.db.ticket.findMany({
      where: { requesterId: user.id },
      orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
      take: PAGE_SIZE,
      select: {
        number: true,
        subject: true,
        status: true,
        awaiting: true,
        lastActivityAt: true,
        org: { select: { slug: true, name: true, timezone: true } },
        assignee: { select: { name: true } },
      },
    }),
    context.db.organisation.findMany({
      where: { acceptsRequests: true },
      select: { slug: true, name: true },
      orderBy: { name: 'asc' },
      take: 50,
    }),
  ])
  return {
    tickets: tickets.map((t) => ({
      href: `/tickets/${t.org.slug}/${t.number}`,
      number: t.number,
      subject: t.subject,
      organisation: t.org.name,
      status: t.status,
      statusLabel: familyStatusLabel(t.status, t.awaiting),
      advocate: t.assignee?.name ?? null,
      lastUpdate: formatDateTime(t.lastActivityAt, t.org.timezone),
    })),
    organisations,
  }
}

export default function MyTickets() {
  const { tickets, organisations } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-bold text-slate-900">My requests</h1>
        <p className="mt-1 text-slate-700">Every request you have sent, with the latest first.</p>
      </div>
      {tickets.length ? (
        <ul className="space-y-3" aria-label="Your requests">
          {tickets.map((t) => (
            <li key={t.href}>
              <Card className="!p-4">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div className="min-w-0">
                    <p className="text-sm text-slate-600">
                      #{t.number} · {t.organisation}
                    </p>
                    <Link to={t.href} className="text-lg font-semibold text-indigo-800 underline-offset-4 hover:underline">
                      {t.subject}
                    </Link>
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
        <Card>
          <p className="text-slate-800">You have not sent any requests yet.</p>
        </Card>
      )}
      {organisations.length ? (
        <section>
          <h2 className="text-lg font-semibold text-slate-900">Ask an organisation for help</h2>
          <ul className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
            {organisations.map((org) => (
              <li key={org.slug}>
                <Link to={`/orgs/${org.slug}`} className="text-indigo-800 underline underline-offset-4">
                  {org.name}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

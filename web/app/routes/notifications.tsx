import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { Button, Card, DateTime, EmptyState, linkClass, Marker, PageHeader } from '../components/ui.tsx'
import { visibleNotificationsWhere } from '../../../services/ticket-access.server.ts'
import { requireUser, staffMemberships, type SessionUser } from '../utils/auth.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { formatDateTime } from '../utils/format.ts'

export const meta: MetaFunction = () => [{ title: 'Notifications · Caseway' }]

const PAGE_SIZE = 50

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request)
  const before = new URL(request.url).searchParams.get('before')
  const beforeDate = before && Number.isFinite(Date.parse(before)) ? new Date(before) : null
  const visible = await visibleNotificationsWhere(context.db, user.id)
  const rows = await context.db.notification.findMany({
    where: { ...visible, ...(beforeDate ? { createdAt: { lt: beforeDate } } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: PAGE_SIZE + 1,
    select: {
      id: true,
      text: true,
      kind: true,
      readAt: true,
      createdAt: true,
      ticket: { select: { number: true, subject: true, requesterId: true, org: { select: { slug: true, name: true, timezone: true } } } },
    },
  })
  const page = rows.slice(0, PAGE_SIZE)
  const last = rows.length > PAGE_SIZE ? page[page.length - 1] : undefined
  return {
    notifications: page.map((n) => ({
      id: n.id,
      text: n.text,
      unread: n.readAt === null,
      at: formatDateTime(n.createdAt, n.ticket?.org.timezone ?? 'Europe/London'),
      ticket: n.ticket
        ? {
            href: `/tickets/${n.ticket.org.slug}/${n.ticket.number}`,
            // A family sees its own subject; staff see whose ticket it is too.
            label: `#${n.ticket.number} ${n.ticket.subject}`,
          }
        : null,
    })),
    unread: await context.db.notification.count({ where: { ...visible, readAt: null } }),
    emptyText: emptyText(user),
    older: last ? `/notifications?${new URLSearchParams({ before: last.createdAt.toISOString() })}` : null,
  }
}

/** What a person hears about, in their words: staff of the tickets they look after, families of their requests. */
function emptyText(user: SessionUser): string {
  const teams = staffMemberships(user)
  if (!teams.length) return 'No notifications yet. You will hear here when something happens on your requests.'
  return [
    'No notifications yet. You will hear here when a ticket is given to you, and when a family replies, a service level target is missed',
    'or the local authority’s deadline passes on a ticket you look after or watch.',
    teams.some((m) => m.role === 'admin')
      ? 'As an admin, you also hear when a family sends a new request, when any ticket misses a target, and when an LA deadline passes with nobody assigned.'
      : '',
    user.memberships.some((m) => m.role === 'family') ? 'You also hear about your own requests.' : '',
  ]
    .filter(Boolean)
    .join(' ')
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request)
  const { count } = await context.db.notification.updateMany({ where: { userId: user.id, readAt: null }, data: { readAt: new Date() } })
  return redirectWithFlash(context, request, '/notifications', {
    kind: 'success',
    text: count ? `Marked ${count} notification${count === 1 ? '' : 's'} as read.` : 'Nothing new to mark as read.',
  })
}

export default function Notifications() {
  const { notifications, unread, older, emptyText } = useLoaderData<typeof loader>()
  const busy = useNavigation().state === 'submitting'
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageHeader title="Notifications">
        <p className="text-slate-700">{unread ? `${unread} unread` : 'All read'}</p>
        {unread ? (
          <Form method="post">
            <Button variant="secondary" disabled={busy}>
              Mark all as read
            </Button>
          </Form>
        ) : null}
      </PageHeader>
      {notifications.length ? (
        <Card className="!p-0">
          <ul className="divide-y divide-slate-100" aria-label="Notifications">
            {notifications.map((n) => (
              <li key={n.id} className={`flex flex-col gap-1 px-4 py-3 sm:px-6 ${n.unread ? 'bg-indigo-50/60' : ''}`}>
                <div className="flex flex-wrap items-center gap-2">
                  {n.unread ? <Marker tone="violet">New</Marker> : null}
                  <p className={n.unread ? 'font-semibold text-slate-900' : 'text-slate-800'}>{n.text}</p>
                </div>
                <p className="text-sm text-slate-600">
                  <DateTime value={n.at} />
                  {n.ticket ? (
                    <>
                      {' · '}
                      <Link to={n.ticket.href} className={linkClass}>
                        {n.ticket.label}
                      </Link>
                    </>
                  ) : null}
                </p>
              </li>
            ))}
          </ul>
        </Card>
      ) : (
        <EmptyState>{emptyText}</EmptyState>
      )}
      {older ? (
        <p>
          <Link to={older} className={linkClass}>
            Older notifications
          </Link>
        </p>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

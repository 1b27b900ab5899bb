/**
 * A bulk change's page: its progress while its workflow works (the page
 * refreshes itself, with or without JavaScript), then each ticket's outcome:
 * refused and failed ones first, with why, each linking to its ticket. Staff
 * of the job's organisation only; for anyone else the job is not there (404).
 */
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { describeBulkAction, doneCount, type BulkItemOutcome } from '../../../domain/bulk-changes.ts'
import { bulkJobFor, bulkJobOrganisation } from '../../../services/bulk-jobs.server.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { Badge, Card, CardTitle, EmptyState, linkClass, PageHeader, TableHead } from '../components/ui.tsx'
import { requireUser, staffMemberships } from '../utils/auth.server.ts'
import { formatShortDateTime, staffStatusLabel } from '../utils/format.ts'
import { notFound } from '../utils/http.ts'

/** How often a running job's page reloads. */
const REFRESH_SECONDS = 2

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: 'Bulk change · Caseway' },
  ...(data?.job.state === 'running' ? [{ httpEquiv: 'refresh', content: String(REFRESH_SECONDS) }] : []),
]

const OUTCOME_WORDS: Record<BulkItemOutcome, { heading: string; badge: string; tone: string }> = {
  refused: { heading: 'Refused', badge: 'Refused', tone: 'bg-amber-50 text-amber-900 ring-amber-200' },
  failed: { heading: 'Failed', badge: 'Failed', tone: 'bg-red-50 text-red-800 ring-red-200' },
  succeeded: { heading: 'Changed', badge: 'Changed', tone: 'bg-emerald-50 text-emerald-800 ring-emerald-200' },
  pending: { heading: 'Still to do', badge: 'Waiting', tone: 'bg-slate-100 text-slate-700 ring-slate-200' },
}
const OUTCOME_ORDER: readonly BulkItemOutcome[] = ['refused', 'failed', 'pending', 'succeeded']

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(context, request)
  const teams = staffMemberships(user)
  const jobId = params.jobId ?? ''
  const orgId = await bulkJobOrganisation(context.db, jobId)
  const team = teams.find((m) => m.orgId === orgId)
  const job = team && (await bulkJobFor(context.db, { orgId: team.orgId, jobId, readerId: user.id }))
  if (!team || !job) throw notFound('There is no such bulk change.')
  const org = await context.db.organisation.findUniqueOrThrow({
    where: { id: team.orgId },
    select: { slug: true, name: true, timezone: true },
  })
  const assignee =
    job.action.kind === 'assign'
      ? ((await context.db.user.findUnique({ where: { id: job.action.assigneeId }, select: { name: true } }))?.name ?? null)
      : null
  return {
    org: { name: org.name },
    job: {
      state: job.state,
      what: describeBulkAction(job.action, { assignee, status: staffStatusLabel }),
      by: job.requestedBy.name,
      started: formatShortDateTime(job.createdAt, org.timezone),
      total: job.total,
      done: doneCount(job),
      succeeded: job.succeeded,
      refused: job.refused,
      failed: job.failed,
    },
    items: job.items.map((item) => ({
      number: item.ticket.number,
      subject: item.ticket.subject,
      href: `/tickets/${org.slug}/${item.ticket.number}`,
      outcome: item.outcome,
      reason: item.reason,
    })),
    queueHref: teams.length > 1 ? `/staff/tickets?org=${org.slug}` : '/staff/tickets',
  }
}

export default function BulkJobPage() {
  const { org, job, items, queueHref } = useLoaderData<typeof loader>()
  const running = job.state === 'running'
  return (
    <div className="space-y-5">
      <PageHeader title={`Bulk change: ${job.what}`} eyebrow={org.name} />
      <Card aria-labelledby="bulk-progress">
        <CardTitle id="bulk-progress">{running ? 'In progress' : 'Finished'}</CardTitle>
        <p className="text-sm text-slate-700">
          Asked by {job.by} at <time dateTime={job.started.iso}>{job.started.text}</time>.
        </p>
        <label htmlFor="bulk-progress-bar" className="mt-3 block text-sm font-medium text-slate-900">
          {job.done} of {job.total} {job.total === 1 ? 'ticket' : 'tickets'} done
        </label>
        <progress id="bulk-progress-bar" max={job.total} value={job.done} className="mt-1 h-3 w-full max-w-xl" />
        <p role="status" className="mt-3 text-sm text-slate-900">
          {job.succeeded} changed, {job.refused} refused, {job.failed} failed
          {running ? ` · this page refreshes every ${REFRESH_SECONDS} seconds until the change is done.` : '.'}
        </p>
      </Card>
      {OUTCOME_ORDER.map((outcome) => {
        const rows = items.filter((i) => i.outcome === outcome)
        if (!rows.length) return null
        const words = OUTCOME_WORDS[outcome]
        return (
          <Card key={outcome} aria-labelledby={`bulk-${outcome}`}>
            <CardTitle id={`bulk-${outcome}`}>
              {words.heading} ({rows.length})
            </CardTitle>
            <table className="w-full text-left text-sm">
              <TableHead
                columns={[
                  { key: 'ticket', label: 'Ticket' },
                  { key: 'outcome', label: 'Outcome' },
                  { key: 'reason', label: 'Why' },
                ]}
              />
              <tbody className="divide-y divide-slate-100">
                {rows.map((row) => (
                  <tr key={row.number} className="align-top">
                    <td className="px-2 py-2">
                      <Link to={row.href} className={linkClass}>
                        #{row.number} {row.subject}
                      </Link>
                    </td>
                    <td className="px-2 py-2">
                      <Badge tone={words.tone}>{words.badge}</Badge>
                    </td>
                    <td className="px-2 py-2 text-slate-700">{row.reason ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        )
      })}
      {!items.length ? <EmptyState>None of this change’s tickets are in your view.</EmptyState> : null}
      <p className="text-sm">
        <Link to={queueHref} className={linkClass}>
          Back to the ticket queue
        </Link>
      </p>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

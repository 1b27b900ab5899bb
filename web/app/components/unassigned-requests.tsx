/**
 * The staff landing page's panel of requests nobody has taken yet: the newest
 * few, each a link, and a link to all of them in the queue.
 */
import { Link } from '@remix-run/react'
import type { TicketStatus } from '../../../domain/ticket.ts'
import type { FormattedDate } from '../utils/format.ts'
import { statusTone } from '../utils/format.ts'
import type { SlaChip as SlaChipData } from '../utils/sla-chips.ts'
import { Badge, Card, CardTitle, DateTime, linkClass, SlaChip } from './ui.tsx'

export interface UnassignedRequest {
  href: string
  number: number
  subject: string
  family: string
  status: TicketStatus
  statusLabel: string
  received: FormattedDate
  sla: SlaChipData | null
}

export function UnassignedRequests({
  count,
  requests,
  allHref,
}: {
  count: number
  requests: readonly UnassignedRequest[]
  allHref: string
}) {
  return (
    <Card aria-labelledby="unassigned-heading" className="!p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <CardTitle id="unassigned-heading">New and unassigned requests</CardTitle>
        {count ? (
          <Link to={allHref} className={`${linkClass} text-sm`}>
            {count > requests.length ? `See all ${count} in the queue` : 'See them in the queue'}
          </Link>
        ) : null}
      </div>
      {requests.length ? (
        // A phone shows the first three; the link above leads to the rest.
        <ol aria-label="New and unassigned requests" className="mt-3 grid gap-2 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5">
          {requests.map((r) => (
            <li key={r.href} className="min-w-0 rounded-md bg-slate-50 p-2.5 ring-1 ring-slate-200 max-sm:[&:nth-child(n+4)]:hidden">
              <Link to={r.href} className={`${linkClass} line-clamp-2 break-words`}>
                {r.subject}
              </Link>
              <p className="mt-1 text-sm text-slate-700">
                #{r.number} · {r.family} · received <DateTime value={r.received} />
              </p>
              <div className="mt-1.5 flex flex-wrap items-center gap-2">
                <Badge tone={statusTone(r.status)}>{r.statusLabel}</Badge>
                <SlaChip chip={r.sla} />
              </div>
            </li>
          ))}
        </ol>
      ) : (
        <p className="mt-2 text-sm text-slate-700">None: every open ticket has an advocate.</p>
      )}
    </Card>
  )
}

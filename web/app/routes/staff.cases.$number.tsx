/** A case: its header (reference, family, child, advocate and who covers for them, status), a tab per part (Overview, LA deadlines, Team, each linked ticket) and the tab's page. */
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, Outlet, useLoaderData, useLocation } from '@remix-run/react'
import { CASE_STATUS_LABELS } from '../../../domain/case.ts'
import { coverUntilWords } from '../../../domain/case-cover.ts'
import { caseCovers } from '../../../services/case-cover.server.ts'
import { getCasePage, markCaseViewedByAdvocate } from '../../../services/case-reads.server.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { Badge, linkClass, Marker, TabNav } from '../components/ui.tsx'
import { requireCaseAccess } from '../utils/case-access.server.ts'
import { caseStatusTone } from '../utils/format.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.case.caseRef} ${data.case.family} · Caseway` : 'Case · Caseway' },
]

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireCaseAccess(context, request, params)
  const [kase, covers] = await Promise.all([
    getCasePage(context, { orgId: access.case.orgId, number: access.case.number }),
    caseCovers(context.db, { caseId: access.case.id }),
    // The dashboard's "advocate opened": only the case's own advocate opening it counts.
    access.case.advocateId === access.user.id
      ? markCaseViewedByAdvocate(context, { caseId: access.case.id, userId: access.user.id })
      : null,
  ])
  if (!kase) throw new Response('Case not found', { status: 404 })
  const base = `/staff/cases/${kase.number}`
  return {
    case: {
      caseRef: kase.caseRef,
      family: kase.family.name,
      childName: kase.childName,
      advocate: kase.advocate?.name ?? null,
      // Who covers today, in words: "Chloe Hart until 12 January 2027".
      cover: covers.filter((c) => c.active).map((c) => `${c.advocate.name} ${coverUntilWords(c.endsOn)}`),
      status: kase.status,
      statusLabel: CASE_STATUS_LABELS[kase.status],
      overdueActions: kase.overdueActions,
    },
    listHref: `/staff/cases${access.orgQuery}`,
    tabs: [
      { key: base, label: 'Overview', href: `${base}${access.orgQuery}` },
      { key: `${base}/deadlines`, label: 'LA deadlines', href: `${base}/deadlines${access.orgQuery}` },
      { key: `${base}/team`, label: 'Team', href: `${base}/team${access.orgQuery}` },
      ...kase.tickets.map((t) => ({
        key: `${base}/tickets/${t.number}`,
        label: `#${t.number} ${t.subject}`,
        href: `${base}/tickets/${t.number}${access.orgQuery}`,
      })),
    ],
  }
}

export default function CaseLayout() {
  const { case: kase, listHref, tabs } = useLoaderData<typeof loader>()
  const { pathname } = useLocation()
  const current = tabs.find((t) => t.key === pathname.replace(/\/$/, ''))?.key ?? ''
  return (
    <div className="space-y-5">
      <div>
        <p className="text-sm text-slate-600">
          <Link to={listHref} className={linkClass}>
            Cases
          </Link>{' '}
          · {kase.caseRef}
        </p>
        <h1 className="mt-1 break-words text-2xl font-bold text-slate-900">
          {kase.caseRef}: {kase.family}
          {kase.childName ? `, for ${kase.childName}` : ''}
        </h1>
        <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-2 text-sm text-slate-700">
          <Badge tone={caseStatusTone(kase.status)}>
            <span className="sr-only">Status: </span>
            {kase.statusLabel}
          </Badge>
          {kase.overdueActions ? (
            <Marker tone="violet">
              Overdue: {kase.overdueActions} {kase.overdueActions === 1 ? 'action' : 'actions'}
            </Marker>
          ) : null}
          <span>Child: {kase.childName ?? 'not named'}</span>
          <span>Advocate: {kase.advocate ?? 'none yet'}</span>
          {kase.cover.length ? <span>Cover: {kase.cover.join('; ')}</span> : null}
        </div>
      </div>
      <TabNav label="Parts of the case" tabs={tabs} current={current} />
      <Outlet />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

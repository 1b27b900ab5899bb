import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { CASE_STATUSES, CASE_STATUS_LABELS } from '../../../domain/case.ts'
import { advocateCaseloads, listCases } from '../../../services/case-reads.server.ts'
import { CaseCards, CaseTable, type CaseListItem } from '../components/case-list.tsx'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { CheckboxField, SelectField, TextField } from '../components/form-fields.tsx'
import { Button, Card, EmptyState, linkClass, OrganisationSwitch, PageHeader, Pager } from '../components/ui.tsx'
import { requireCaseTeam } from '../utils/case-access.server.ts'
import { formatShortDateTime } from '../utils/format.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.team ? 'Team cases' : 'My cases'} · Caseway` }]

const DAY_MS = 24 * 60 * 60 * 1000

/** The dashboard's filters as the address carries them; an empty field is no filter. */
const CaseFilters = z.object({
  advocate: z.union([z.literal(''), z.uuid({ error: 'Choose an advocate from the list' })]).default(''),
  status: z.enum(['', 'all', ...CASE_STATUSES], { error: 'Choose a status from the list' }).default(''),
  overdue: z.enum(['', '1'], { error: 'Overdue only is on or off' }).default(''),
  laOverdue: z.enum(['', '1'], { error: 'LA overdue only is on or off' }).default(''),
  quiet: z
    .union([z.literal(''), z.coerce.number({ error: 'Enter a number of days' }).int('Enter whole days').min(1).max(3650)])
    .default(''),
  after: z.string().max(1000).optional(),
})
const FILTER_KEYS = ['advocate', 'status', 'overdue', 'laOverdue', 'quiet'] as const

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, team, teams, scope, orgQuery } = await requireCaseTeam(context, request)
  const url = new URL(request.url)
  const parsed = CaseFilters.safeParse(Object.fromEntries(url.searchParams))
  if (!parsed.success)
    throw new Response(`Those filters cannot be used: ${parsed.error.issues[0]?.message ?? 'check them'}.`, { status: 400 })
  const filters = parsed.data
  // Admins see the whole team; staff, the cases they are the advocate of and those they cover.
  const teamView = scope.kind === 'all'
  const now = new Date()
  const [org, page, caseloads] = await Promise.all([
    context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { slug: true, name: true, timezone: true } }),
    listCases(context, {
      orgId: team.orgId,
      advocateId: teamView ? filters.advocate || null : user.id,
      coveredCaseIds: scope.kind === 'advocate' ? scope.coveredCaseIds : [],
      // Open cases unless a status (or every status) is chosen.
      status: filters.status === 'all' ? undefined : filters.status || 'open',
      overdueOnly: filters.overdue === '1',
      laOverdueOnly: filters.laOverdue === '1',
      quietSince: filters.quiet === '' ? undefined : new Date(now.getTime() - filters.quiet * DAY_MS),
      after: filters.after ?? null,
    }),
    teamView ? advocateCaseloads(context, team.orgId) : null,
  ])
  const when = (d: Date | null) => (d ? formatShortDateTime(d, org.timezone, now) : null)
  const cases = page.cases.map((c): CaseListItem => ({
    href: `/staff/cases/${c.number}${orgQuery}`,
    caseRef: c.caseRef,
    family: c.family.name,
    childName: c.childName,
    advocate: c.advocate?.name ?? null,
    cover: scope.kind === 'advocate' && c.advocate?.id !== user.id,
    status: c.status,
    statusLabel: CASE_STATUS_LABELS[c.status],
    nextAction: c.nextAction && { title: c.nextAction.title, due: when(c.nextAction.dueAt) },
    overdueActions: c.overdueActions,
    laOverdue: c.laOverdue,
    lastActivity: when(c.lastActivityAt)!,
    lastMessage: when(c.lastMessageAt),
    advocateViewed: when(c.advocateViewedAt),
  }))
  const params = new URLSearchParams()
  if (teams.length > 1) params.set('org', org.slug)
  for (const key of FILTER_KEYS) if (filters[key] !== '') params.set(key, String(filters[key]))
  const firstPage = `/staff/cases${params.size ? `?${params}` : ''}`
  const nextParams = new URLSearchParams(params)
  if (page.next) nextParams.set('after', page.next)
  return {
    org: { slug: org.slug, name: org.name },
    teams: teams.length > 1 ? teams.map((m) => ({ slug: m.org.slug, name: m.org.name })) : [],
    team: caseloads && {
      caseloads: caseloads.map((c) => ({
        id: c.advocate.id,
        name: c.advocate.name,
        activeCases: c.activeCases,
        href: `/staff/cases?${new URLSearchParams({ ...(teams.length > 1 && { org: org.slug }), advocate: c.advocate.id })}`,
      })),
    },
    filters: { ...filters, quiet: String(filters.quiet) },
    filtered: FILTER_KEYS.some((key) => filters[key] !== ''),
    clearHref: `/staff/cases${orgQuery}`,
    cases,
    next: page.next ? `/staff/cases?${nextParams}` : null,
    firstPage: filters.after ? firstPage : null,
  }
}

export default function CasesPage() {
  const { org, teams, team, filters, filtered, clearHref, cases, next, firstPage } = useLoaderData<typeof loader>()
  const title = team ? 'Team cases' : 'My cases'
  const caption = `${title}, most recently active first${filtered ? ', matching the filters' : ''}`
  return (
    <div className="space-y-5">
      <PageHeader title={title} eyebrow={org.name}>
        <OrganisationSwitch orgs={teams} current={org.slug} href={(slug) => `/staff/cases?org=${slug}`} />
      </PageHeader>

      {team ? (
        <Card aria-labelledby="caseloads-heading" className="!p-4">
          <h2 id="caseloads-heading" className="text-base font-semibold text-slate-900">
            Active cases per advocate
          </h2>
          <ul className="mt-2 flex flex-wrap gap-2">
            {team.caseloads.map((c) => (
              <li key={c.id}>
                <Link
                  to={c.href}
                  className="inline-flex min-h-10 items-center gap-2 rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-50"
                >
                  <span className="font-medium text-indigo-800 underline underline-offset-4">{c.name}</span>
                  <span className="text-slate-700">
                    {c.activeCases} active {c.activeCases === 1 ? 'case' : 'cases'}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      <Card className="!p-4">
        <Form
          method="get"
          role="search"
          aria-label="Case filters"
          className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-6 lg:items-end"
        >
          {teams.length ? <input type="hidden" name="org" value={org.slug} /> : null}
          {team ? (
            <SelectField
              label="Advocate"
              name="advocate"
              placeholder="Anyone"
              options={team.caseloads.map((c) => ({ value: c.id, label: c.name }))}
              defaultValue={filters.advocate}
            />
          ) : null}
          <SelectField
            label="Status"
            name="status"
            placeholder="Open cases"
            options={[{ value: 'all', label: 'Every status' }, ...CASE_STATUSES.map((s) => ({ value: s, label: CASE_STATUS_LABELS[s] }))]}
            defaultValue={filters.status}
          />
          <TextField
            label="No activity for (days)"
            name="quiet"
            type="number"
            inputMode="numeric"
            min="1"
            max="3650"
            defaultValue={filters.quiet}
            required={false}
          />
          <CheckboxField label="Overdue actions only" name="overdue" defaultChecked={filters.overdue === '1'} />
          <CheckboxField label="LA overdue only" name="laOverdue" defaultChecked={filters.laOverdue === '1'} />
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
            <Button variant="secondary">Apply filters</Button>
            {filtered ? (
              <Link to={clearHref} className={linkClass}>
                Clear filters
              </Link>
            ) : null}
          </div>
        </Form>
      </Card>

      {cases.length ? (
        <>
          <CaseTable caption={caption} cases={cases} />
          <CaseCards caption={caption} cases={cases} />
        </>
      ) : (
        <EmptyState>
          {filtered ? 'No cases match these filters.' : team ? 'The team has no open cases.' : 'You are not the advocate of any open case.'}
        </EmptyState>
      )}
      <Pager label="Pages" previous={null} next={next} />
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

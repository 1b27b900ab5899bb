import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { PRIORITIES, PRIORITY_LABELS, TYPE_LABELS } from '../../../domain/ticket.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { CheckboxField, SelectField } from '../components/form-fields.tsx'
import {
  Alert,
  Button,
  Card,
  CardTitle,
  DateTime,
  EmptyState,
  linkClass,
  OrganisationSwitch,
  PageHeader,
  SlaChip,
} from '../components/ui.tsx'
import { advocateLoads, describeLoad } from '../../../services/capacity.server.ts'
import { OPEN_STATUSES } from '../../../services/queue.server.ts'
import { assign, changePriority, type TicketCommandResult } from '../../../services/ticket-commands.server.ts'
import { requireUser, type SessionUser } from '../utils/auth.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { assigneeOptions, AT_CAPACITY, needsOverride } from '../utils/assignee-options.ts'
import { formatDateTime } from '../utils/format.ts'
import { notFound } from '../utils/http.ts'
import { requireTeamPermission } from '../utils/permissions.server.ts'
import { slaChip } from '../utils/sla-chips.ts'
import { parseForm, TriageSchema } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Triage · Caseway' }]

const SHOWN = 25
const EXCERPT = 400

function requireTriage(user: SessionUser, request: Request) {
  const { team, teams } = requireTeamPermission(user, request, 'triage:queue:org', 'Only admins triage new tickets.')
  return { team, admin: teams }
}

/** Each team member's cases against capacity, specialisms, open tickets, and how many of those are at risk or breached. */
async function caseloads(context: LoaderFunctionArgs['context'], orgId: string) {
  const [members, loads, grouped] = await Promise.all([
    context.db.membership.findMany({
      where: { orgId, role: { in: ['staff', 'admin'] } },
      select: { role: true, user: { select: { id: true, name: true } } },
      orderBy: { user: { name: 'asc' } },
    }),
    advocateLoads(context.db, orgId),
    context.db.ticket.groupBy({
      by: ['assigneeId', 'slaState'],
      where: { orgId, assigneeId: { not: null }, status: { in: [...OPEN_STATUSES] } },
      _count: { _all: true },
    }),
  ])
  return members.map((m) => {
    const mine = grouped.filter((g) => g.assigneeId === m.user.id)
    const count = (states?: string[]) =>
      mine.filter((g) => !states || states.includes(g.slaState ?? '')).reduce((sum, g) => sum + g._count._all, 0)
    const load = loads.find((l) => l.userId === m.user.id)!
    return {
      ...load,
      load: describeLoad(load),
      specialismLabels: load.specialisms.map((t) => TYPE_LABELS[t]),
      id: m.user.id,
      name: m.user.name,
      role: m.role === 'admin' ? 'Admin' : 'Advocate',
      active: count(),
      atRisk: count(['at_risk']),
      breached: count(['breached']),
    }
  })
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request)
  const { team, admin } = requireTriage(user, request)
  const orgId = team.orgId
  const [org, team_, tickets, waiting, unassigned] = await Promise.all([
    context.db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { slug: true, name: true, timezone: true } }),
    caseloads(context, orgId),
    // Most urgent first: the first SLA to fall due (which priority already set), then the longest waiting.
    context.db.ticket.findMany({
      where: { orgId, status: 'new' },
      orderBy: [{ slaDueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }, { number: 'asc' }],
      take: SHOWN,
      select: {
        number: true,
        subject: true,
        childName: true,
        type: true,
        priority: true,
        createdAt: true,
        caseId: true,
        caseRef: true,
        triageNote: true,
        slaState: true,
        slaDueAt: true,
        slaTargets: true,
        requester: { select: { name: true } },
        department: { select: { name: true } },
        messages: { where: { visibility: 'public' }, orderBy: { createdAt: 'asc' }, take: 1, select: { body: true } },
        _count: { select: { attachments: true } },
      },
    }),
    context.db.ticket.count({ where: { orgId, status: 'new' } }),
    context.db.ticket.count({ where: { orgId, assigneeId: null, status: { in: ['in_progress', 'pending_family', 'pending_la'] } } }),
  ])
  // A ticket whose reference names an existing case joins it: no capacity needed.
  const refs = tickets.flatMap((t) => (t.caseId === null && t.caseRef ? [t.caseRef] : []))
  const existingRefs = new Set(
    refs.length
      ? (await context.db.case.findMany({ where: { orgId, caseRef: { in: refs } }, select: { caseRef: true } })).map((c) => c.caseRef)
      : [],
  )
  const now = Date.now()
  const orgParam = admin.length > 1 ? `org=${org.slug}&` : ''
  return {
    org: { slug: org.slug, name: org.name },
    orgs: admin.length > 1 ? admin.map((m) => ({ slug: m.org.slug, name: m.org.name })) : [],
    team: team_,
    waiting,
    unassigned,
    newQueueHref: `/staff/tickets?view=all&${orgParam}status=new&sort=sla&dir=asc`,
    unassignedHref: `/staff/tickets?view=all&${orgParam}assignee=unassigned`,
    tickets: tickets.map((t) => {
      const body = t.messages[0]?.body ?? ''
      return {
        number: t.number,
        href: `/tickets/${org.slug}/${t.number}`,
        subject: t.subject,
        family: t.requester.name,
        childName: t.childName,
        type: TYPE_LABELS[t.type],
        typeValue: t.type,
        opensCase: t.caseId === null && !(t.caseRef && existingRefs.has(t.caseRef)),
        triageNote: t.triageNote,
        department: t.department?.name ?? null,
        priority: t.priority,
        received: formatDateTime(t.createdAt, org.timezone),
        excerpt: body.length > EXCERPT ? `${body.slice(0, EXCERPT).trimEnd()}…` : body,
        attachments: t._count.attachments,
        sla: slaChip({ state: t.slaState, dueAt: t.slaDueAt, targets: Array.isArray(t.slaTargets) ? (t.slaTargets as never[]) : [] }, now),
      }
    }),
  }
}

function describe(result: TicketCommandResult): string | null {
  return result.status === 'applied' ? null : result.message
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(await request.formData(), TriageSchema)
  const user = await requireUser(context, request)
  const { team } = requireTriage(user, request)
  if (!form.success)
    return data(
      {
        number: Number(form.values.number) || null,
        formError: Object.values(form.fieldErrors).flat()[0] ?? 'Check the form and try again.',
      },
      { status: 400 },
    )
  const { number, assigneeId, priority, overrideCapacity } = form.data
  const ticket = await context.db.ticket.findFirst({
    where: { orgId: team.orgId, number },
    select: { id: true, orgId: true, number: true, priority: true },
  })
  if (!ticket) throw notFound('Ticket not found')
  const actor = { id: user.id }

  // Priority first, so the new SLA targets apply from the moment it is assigned.
  if (priority !== ticket.priority) {
    const changed = await changePriority(context, { ticket, actor, priority })
    const problem = describe(changed)
    if (problem) return data({ number, formError: `Not done: ${problem}` }, { status: changed.status === 'unavailable' ? 503 : 409 })
  }
  const assigned = await assign(context, { ticket, actor, assigneeId, override: overrideCapacity })
  if (assigned.status === 'refused' || assigned.status === 'unavailable') {
    const prefix =
      priority !== ticket.priority ? `Priority set to ${PRIORITY_LABELS[priority]}, but the ticket was not assigned: ` : 'Not done: '
    return data({ number, formError: `${prefix}${assigned.message}` }, { status: assigned.status === 'refused' ? 409 : 503 })
  }
  const assignee = await context.db.user.findUnique({ where: { id: assigneeId }, select: { name: true } })
  const here = `/staff/triage${new URL(request.url).search}`
  if (assigned.status === 'pending') return redirectWithFlash(context, request, here, { kind: 'info', text: assigned.message })
  return redirectWithFlash(context, request, here, {
    kind: 'success',
    text: `#${number} assigned to ${assignee?.name ?? 'the advocate'} (priority ${PRIORITY_LABELS[priority]}). The family has been told.`,
  })
}

export default function Triage() {
  const { org, orgs, team, tickets, waiting, unassigned, newQueueHref, unassignedHref } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  return (
    <div className="space-y-6">
      <PageHeader title="Triage" eyebrow={org.name}>
        <OrganisationSwitch orgs={orgs} current={org.slug} href={(slug) => `/staff/triage?org=${slug}`} />
      </PageHeader>
      <p className="text-slate-700">
        {waiting} new {waiting === 1 ? 'ticket waits' : 'tickets wait'} for an advocate, the first SLA due at the top.
        {unassigned ? (
          <>
            {' '}
            <Link to={unassignedHref} className={linkClass}>
              {unassigned} more in progress without an assignee
            </Link>
            .
          </>
        ) : null}
      </p>
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <section aria-labelledby="new-heading" className="space-y-4">
          <h2 id="new-heading" className="sr-only">
            New tickets
          </h2>
          {tickets.length ? (
            <ol className="space-y-4" aria-label="New tickets">
              {tickets.map((t) => {
                const error = actionData && actionData.number === t.number ? actionData.formError : null
                const busy = navigation.state === 'submitting' && navigation.formData?.get('number') === String(t.number)
                const choice = { type: t.typeValue, opensCase: t.opensCase }
                const specialists = team.filter((m) => m.specialisms.includes(t.typeValue)).map((m) => m.name)
                return (
                  <li key={t.number}>
                    <Card aria-labelledby={`ticket-${t.number}`}>
                      <div className="flex flex-wrap items-start justify-between gap-2">
                        <div className="min-w-0">
                          <p className="text-sm text-slate-600">
                            #{t.number} · {t.type}
                            {t.department ? ` · ${t.department}` : ''} · received <DateTime value={t.received} />
                          </p>
                          <h3 id={`ticket-${t.number}`} className="text-lg font-semibold">
                            <Link to={t.href} className={linkClass}>
                              {t.subject}
                            </Link>
                          </h3>
                          <p className="text-sm text-slate-700">
                            From {t.family}
                            {t.childName ? ` about ${t.childName}` : ''}
                            {t.attachments ? ` · ${t.attachments} attachment${t.attachments === 1 ? '' : 's'}` : ''}
                          </p>
                        </div>
                        <SlaChip chip={t.sla} />
                      </div>
                      {t.triageNote ? (
                        <p className="mt-3 text-sm font-medium text-amber-900">
                          <span className="sr-only">Not assigned automatically: </span>
                          {t.triageNote}
                        </p>
                      ) : null}
                      <p className="mt-2 text-sm text-slate-700">
                        {specialists.length ? `Specialises in ${t.type}: ${specialists.join(', ')}.` : `Nobody specialises in ${t.type}.`}
                      </p>
                      {t.excerpt ? (
                        <blockquote className="mt-3 whitespace-pre-line border-l-4 border-slate-200 pl-3 text-slate-800">
                          {t.excerpt}
                        </blockquote>
                      ) : null}
                      <Form method="post" className="mt-4 grid gap-4 sm:grid-cols-[10rem_1fr_auto] sm:items-end" noValidate>
                        <input type="hidden" name="intent" value="triage" />
                        <input type="hidden" name="number" value={t.number} />
                        {error ? (
                          <div className="sm:col-span-3">
                            <Alert kind="error">{error}</Alert>
                          </div>
                        ) : null}
                        <SelectField
                          id={`priority-${t.number}`}
                          label="Priority"
                          name="priority"
                          options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
                          defaultValue={t.priority}
                          required
                        />
                        <SelectField
                          id={`assignee-${t.number}`}
                          label="Assign to"
                          name="assigneeId"
                          placeholder="Choose an advocate"
                          options={assigneeOptions(team, choice)}
                          required
                        />
                        <Button disabled={busy}>{busy ? 'Assigning…' : 'Assign'}</Button>
                        {needsOverride(team, choice) ? (
                          <div className="sm:col-span-3">
                            <CheckboxField
                              id={`override-${t.number}`}
                              label="Override capacity"
                              name="overrideCapacity"
                              hint="Assign even if they are at capacity: this opens a new case for them, and the audit trail records it."
                            />
                          </div>
                        ) : null}
                      </Form>
                    </Card>
                  </li>
                )
              })}
            </ol>
          ) : (
            <EmptyState>Nothing to triage: every new ticket has an advocate.</EmptyState>
          )}
          {waiting > tickets.length ? (
            <p>
              <Link to={newQueueHref} className={linkClass}>
                See all {waiting} new tickets in the queue
              </Link>
            </p>
          ) : null}
        </section>
        <Card aria-labelledby="caseload-heading" className="h-fit">
          <CardTitle id="caseload-heading">Caseloads</CardTitle>
          <p className="mt-1 text-sm text-slate-600">Active cases against each person’s capacity, and their open tickets.</p>
          <ul className="mt-3 divide-y divide-slate-100">
            {team.map((m) => (
              <li key={m.id} className="flex items-baseline justify-between gap-3 py-2 text-sm">
                <span className="min-w-0">
                  <span className="font-medium text-slate-900">{m.name}</span>
                  <span className="block text-slate-600">{m.role}</span>
                  {m.specialismLabels.length ? (
                    <span className="block text-xs text-slate-700">Specialises in {m.specialismLabels.join(', ')}</span>
                  ) : null}
                </span>
                <span className="text-right">
                  <span className="block font-semibold text-slate-900">{m.load}</span>
                  {m.atCapacity ? <span className="block text-xs font-semibold text-amber-900">{AT_CAPACITY}</span> : null}
                  <span className="block text-slate-700">
                    {m.active} open {m.active === 1 ? 'ticket' : 'tickets'}
                  </span>
                  {m.atRisk || m.breached ? (
                    <span className="block text-xs text-slate-700">
                      {[m.atRisk ? `${m.atRisk} at risk` : null, m.breached ? `${m.breached} breached` : null].filter(Boolean).join(', ')}
                    </span>
                  ) : null}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

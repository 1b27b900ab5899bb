/** A case's Overview: its status, next actions, closing and reopening, and its timeline. Every change goes to the case workflow. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { DateTime as Luxon } from 'luxon'
import { CASE_STATUS_LABELS, CASE_STATUS_TRANSITIONS } from '../../../domain/case.ts'
import { peopleWhoMaySeeCase } from '../../../services/case-access.server.ts'
import {
  addCaseAction,
  changeCaseActionDue,
  closeCase,
  completeCaseAction,
  reopenCase,
  reopenCaseAction,
  setCaseStatus,
  type CaseCommandResult,
} from '../../../services/case-commands.server.ts'
import { coverUntilWords } from '../../../domain/case-cover.ts'
import { caseCovers } from '../../../services/case-cover.server.ts'
import { caseHandovers } from '../../../services/case-handovers.server.ts'
import { getCasePage } from '../../../services/case-reads.server.ts'
import { CaseOverview, type CaseOverviewActionData } from '../components/case-overview.tsx'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { requireCaseAccess } from '../utils/case-access.server.ts'
import { caseTaskHistory } from '../../../services/ticket-history.server.ts'
import { asRecord } from '../utils/ticket-timeline.ts'
import { describeCaseEvent } from '../utils/case-timeline.ts'
import { formatDateTime } from '../utils/format.ts'
import { newSubmissionToken, redirectOnce, submitOnce } from '../utils/submissions.server.ts'
import { CaseActionSchema, formValues, parseForm, type CaseAction } from '../utils/validation.ts'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireCaseAccess(context, request, params)
  const [kase, people, org, covers, handovers, taskLines] = await Promise.all([
    getCasePage(context, { orgId: access.case.orgId, number: access.case.number }),
    peopleWhoMaySeeCase(context.db, access.case),
    context.db.organisation.findUniqueOrThrow({ where: { id: access.case.orgId }, select: { timezone: true } }),
    caseCovers(context.db, { caseId: access.case.id }),
    caseHandovers(context.db, access.case.id),
    caseTaskHistory(context.db, access.case),
  ])
  if (!kase) throw new Response('Case not found', { status: 404 })
  const tz = org.timezone
  const names = new Map(people.map((p) => [p.id, p.name]))
  const unknown = kase.events.flatMap((e) => (e.actorId && !names.has(e.actorId) ? [e.actorId] : []))
  if (unknown.length)
    for (const u of await context.db.user.findMany({ where: { id: { in: unknown } }, select: { id: true, name: true } }))
      names.set(u.id, u.name)
  const titles = new Map(kase.actions.map((a) => [a.id, a.title]))
  const when = (iso: unknown) => (typeof iso === 'string' || iso instanceof Date ? formatDateTime(iso, tz).text : null)
  const closed = kase.status === 'closed'
  const openTickets = kase.tickets.filter((t) => t.status !== 'closed').length
  // The note left for whoever holds the case now comes first (the Team tab keeps them all).
  const handover = kase.advocate ? handovers.find((h) => h.to?.id === kase.advocate!.id) : undefined
  return {
    submissionToken: newSubmissionToken(),
    status: { value: kase.status, label: CASE_STATUS_LABELS[kase.status] },
    closed,
    closeReason: kase.closeReason,
    closedAt: kase.closedAt && formatDateTime(kase.closedAt, tz),
    coverOnly: access.coverOnly,
    handover: handover
      ? {
          from: handover.from?.name ?? null,
          author: handover.author?.name ?? null,
          note: handover.note,
          at: formatDateTime(handover.createdAt, tz),
        }
      : null,
    transitions: CASE_STATUS_TRANSITIONS[kase.status].map((s) => ({ value: s, label: CASE_STATUS_LABELS[s] })),
    openTickets,
    canReopen: closed && openTickets > 0,
    people,
    actions: kase.actions.map((a) => ({
      id: a.id,
      title: a.title,
      owner: a.owner?.name ?? null,
      due: a.dueAt && formatDateTime(a.dueAt, tz),
      dueInput: a.dueAt ? Luxon.fromJSDate(a.dueAt, { zone: tz }).toFormat("yyyy-MM-dd'T'HH:mm") : '',
      done: a.doneAt && formatDateTime(a.doneAt, tz),
      overdue: a.overdue && !a.doneAt,
    })),
    timeline: [
      ...kase.events.map((e) => ({
        key: `event-${e.seq}`,
        text: describeCaseEvent(e.kind, asRecord(e.data), {
          actionTitle: (id) => (typeof id === 'string' ? (titles.get(id) ?? null) : null),
          nameOf: (id) => (typeof id === 'string' ? (names.get(id) ?? 'Someone no longer here') : null),
          when,
        }),
        actor: e.actorId ? (names.get(e.actorId) ?? 'Someone no longer here') : null,
        at: e.at,
      })),
      // Task changes (owner, status, a ticket linked) are plain records too: their audit lines join by time.
      ...taskLines.map((line) => ({ key: `task-${line.id}`, text: line.text, actor: null, at: line.at })),
      // Cover is a plain record, not the workflow's: its entries join the timeline by time.
      ...covers.flatMap((c) => [
        {
          key: `cover-${c.id}`,
          text: `Added ${c.advocate.name} as cover ${coverUntilWords(c.endsOn)}`,
          actor: c.addedBy?.name ?? null,
          at: c.createdAt,
        },
        ...(c.endedAt
          ? [{ key: `cover-end-${c.id}`, text: `Ended ${c.advocate.name}’s cover`, actor: c.endedBy?.name ?? null, at: c.endedAt }]
          : []),
      ]),
    ]
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((entry) => ({ ...entry, at: formatDateTime(entry.at, tz) })),
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const access = await requireCaseAccess(context, request, params)
  const formData = await request.formData()
  const form = parseForm(formData, CaseActionSchema)
  if (!form.success) {
    const intent = typeof form.values.intent === 'string' ? form.values.intent : ''
    return data<CaseOverviewActionData>(
      { intent, fieldErrors: form.fieldErrors, formError: form.formErrors[0] ?? null, values: form.values },
      { status: 400 },
    )
  }
  const command = form.data
  const act = () => perform(context, access, command)
  const respond = async () => {
    const { result, success } = await act()
    return answer(context, request, access.href, command.intent, result, success, formValues(formData))
  }
  // Adding a next action creates one; every other intent sets a state a repeat cannot set twice.
  if (command.intent !== 'add-action') return respond()
  return submitOnce(context, request, formData, { form: 'case-action', actorId: access.user.id }, respond)
}

// The services refuse cover (`cover_only`); the page says it to the person covering.
const COVER_REFUSAL = 'You are covering this case: its advocate or an admin changes its status, closes or reopens it.'

type Access = Awaited<ReturnType<typeof requireCaseAccess>>
type Performed = { result: CaseCommandResult<unknown>; success: string }

async function perform(context: ActionFunctionArgs['context'], access: Access, command: CaseAction): Promise<Performed> {
  const actor = { id: access.user.id }
  const kase = { id: access.case.id }
  const org = await context.db.organisation.findUniqueOrThrow({ where: { id: access.case.orgId }, select: { timezone: true } })
  const dueOf = (local: string | undefined) => (local ? Luxon.fromISO(local, { zone: org.timezone }).toJSDate() : null)
  switch (command.intent) {
    case 'set-status':
      return { result: await setCaseStatus(context, { case: kase, actor, status: command.status }), success: 'Status changed' }
    case 'add-action': {
      if (command.ownerId && !(await peopleWhoMaySeeCase(context.db, access.case)).some((p) => p.id === command.ownerId))
        return { result: { status: 'refused', message: 'That person cannot see this case.' }, success: '' }
      const result = await addCaseAction(context, {
        case: kase,
        actor,
        title: command.title,
        ownerId: command.ownerId,
        dueAt: dueOf(command.due),
      })
      return { result, success: 'Next action added' }
    }
    case 'complete-action':
    case 'reopen-action':
    case 'change-due': {
      // Only this case's actions: another case's id is refused as unknown.
      const known = await context.db.task.findFirst({ where: { id: command.actionId, caseId: access.case.id }, select: { id: true } })
      if (!known) return { result: { status: 'refused', message: 'That next action is not on this case.' }, success: '' }
      if (command.intent === 'complete-action')
        return { result: await completeCaseAction(context, { case: kase, actor, actionId: known.id }), success: 'Next action done' }
      if (command.intent === 'reopen-action')
        return { result: await reopenCaseAction(context, { case: kase, actor, actionId: known.id }), success: 'Next action reopened' }
      const result = await changeCaseActionDue(context, { case: kase, actor, actionId: known.id, dueAt: dueOf(command.due) })
      return { result, success: 'Due date changed' }
    }
    case 'close-case': {
      const result = await closeCase(context, { case: kase, actor, reason: command.reason })
      const resolved = result.status === 'applied' ? result.value.resolved.length : 0
      return { result, success: `Case closed; ${resolved} ${resolved === 1 ? 'ticket' : 'tickets'} resolved` }
    }
    case 'reopen-case':
      return { result: await reopenCase(context, { case: kase, actor }), success: 'Case reopened' }
  }
}

async function answer(
  context: ActionFunctionArgs['context'],
  request: Request,
  here: string,
  intent: string,
  result: CaseCommandResult<unknown>,
  success: string,
  values: Record<string, string>,
) {
  context.log.info({ intent, outcome: result.status }, 'case action')
  if (result.status === 'refused' && result.code === 'cover_only')
    return data<CaseOverviewActionData>({ intent, fieldErrors: {}, formError: COVER_REFUSAL, values }, { status: 403 })
  switch (result.status) {
    case 'applied':
      return redirectOnce(context, request, here, { kind: 'success', text: success })
    case 'pending':
      return redirectOnce(context, request, here, { kind: 'info', text: result.message })
    case 'refused':
    case 'unavailable':
      return data<CaseOverviewActionData>(
        { intent, fieldErrors: {}, formError: result.status === 'refused' ? `Not done: ${result.message}` : result.message, values },
        { status: result.status === 'refused' ? 409 : 503 },
      )
  }
}

export default function CaseOverviewPage() {
  return <CaseOverview data={useLoaderData<typeof loader>()} />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

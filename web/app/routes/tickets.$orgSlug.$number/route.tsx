import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { DateTime as Luxon } from 'luxon'
import type { ReactNode } from 'react'
import { PRIORITIES, PRIORITY_LABELS, STATUS_LABELS, TICKET_TYPES, TYPE_LABELS } from '../../../../domain/ticket.ts'
import { GeneralErrorBoundary } from '../../components/error-boundary.tsx'
import {
  Alert,
  Badge,
  Button,
  Card,
  CardTitle,
  DateTime,
  DetailList,
  FileField,
  linkClass,
  Marker,
  SelectField,
  SlaChip,
  TextAreaField,
  TextField,
} from '../../components/ui.tsx'
import { readFormWithFiles } from '../../../../services/attachments.server.ts'
import {
  assign,
  changePriority,
  changeStatus,
  changeType,
  linkCase,
  postMessageOrFollowUp,
  recordLaResponse,
  reopenTicket,
  type TicketCommandResult,
} from '../../../../services/tickets.server.ts'
import { setWatching } from '../../../../services/watchers.server.ts'
import { redirectWithFlash } from '../../utils/flash.server.ts'
import { familyStatusLabel, statusTone } from '../../utils/format.ts'
import { requireTicketAccess, requireTicketPermission, type TicketAccess } from '../../utils/permissions.server.ts'
import { formValues, parseForm, TicketActionSchema, type FieldErrors, type TicketAction } from '../../utils/validation.ts'
import { familyTicketData, staffTicketData } from './ticket.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `#${data.ticket.number} ${data.ticket.subject} · Caseway` : 'Ticket · Caseway' },
]

// One page, two audiences: the family of the ticket, and its organisation's team.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireTicketAccess(context, request, params)
  return access.role === 'family' ? familyTicketData(context, access) : staffTicketData(context, access, new URL(request.url).searchParams)
}

type Intent = TicketAction['intent']
type Applied = Extract<TicketCommandResult, { status: 'applied' }>
type ActionData = { intent: Intent; fieldErrors: FieldErrors; formError: string | null; values: Record<string, string> }


function invalid(intent: Intent, fieldErrors: FieldErrors, values: Record<string, string>, formError: string | null = null) {
  return data<ActionData>({ intent, fieldErrors, formError, values }, { status: 400 })
}

/** The end of `date` (YYYY-MM-DD) in the organisation's zone: the local authority has the whole day. */
async function laDeadlineOf(context: ActionFunctionArgs['context'], access: TicketAccess, date: string) {
  const org = await context.db.organisation.findUniqueOrThrow({ where: { id: access.ticket.orgId }, select: { timezone: true } })
  const end = Luxon.fromISO(date, { zone: org.timezone }).endOf('day')
  return end.isValid ? end.toJSDate() : null
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const access = await requireTicketAccess(context, request, params)
  const upload = await readFormWithFiles(request)
  const values = formValues(upload.formData)
  const form = parseForm(upload.formData, TicketActionSchema)
  if (!form.success) {
    const intent = (TicketActionSchema.options.some((o) => o.shape.intent.value === values.intent) ? values.intent : 'reply') as Intent
    return invalid(intent, form.fieldErrors, form.values, form.formErrors[0] ?? null)
  }
  if (!upload.ok) return invalid(form.data.intent, { attachments: [upload.error] }, values)
  const command = form.data
  const actor = { id: access.user.id }
  const staff = access.role !== 'family'
  let result: TicketCommandResult
  let success: (r: Applied) => string
  switch (command.intent) {
    case 'reply': {
      requireTicketPermission(
        access,
        command.visibility === 'internal' ? 'note:ticket:org' : staff ? 'reply:ticket:org' : 'reply:ticket:own',
      )
      const files = upload.uploads.length
      const posted = await postMessageOrFollowUp(context, {
        ticket: access.ticket,
        author: actor,
        role: access.role,
        body: command.body,
        visibility: command.visibility,
        attachments: upload.uploads,
      })
      // A family writing on a closed ticket starts a follow-up ticket linked to it.
      if (posted.status === 'followed_up') {
        return redirectWithFlash(context, request, `/tickets/${params.orgSlug}/${posted.ticket.number}`, {
          kind: 'success',
          text: `This request was closed, so your message started a new request, #${posted.ticket.number}.`,
        })
      }
      result = posted
      const attached = files ? ` ${files} file${files === 1 ? '' : 's'} attached.` : ''
      // "Send and set Pending family / Resolved": the reply first, then the status, each the workflow's answer.
      if (result.status === 'applied' && staff && command.visibility === 'public' && command.thenStatus) {
        requireTicketPermission(access, 'change-status:ticket:org')
        const then = await changeStatus(context, { ticket: access.ticket, actor, status: command.thenStatus })
        if (then.status !== 'applied') {
          const why = then.status === 'pending' ? then.message : `the status was not changed: ${then.message}`
          return redirectWithFlash(context, request, new URL(request.url).pathname, {
            kind: then.status === 'pending' ? 'info' : 'error',
            text: `Reply sent.${attached} But ${why}`,
          })
        }
        result = then
      }
      success = ({ view }) =>
        command.visibility === 'internal'
          ? `Internal note added.${attached}`
          : staff
            ? `Reply sent. Status: ${STATUS_LABELS[view.status]}.${attached}`
            : `Message sent. Status: ${familyStatusLabel(view.status, view.awaiting)}.${attached}`
      break
    }
    case 'change-status': {
      requireTicketPermission(access, 'change-status:ticket:org')
      let laDeadline: Date | null = null
      if (command.laDeadline) {
        if (command.status !== 'pending_la')
          return invalid(command.intent, { laDeadline: ['An LA deadline goes with Pending LA: choose that status, or clear the date'] }, values)
        laDeadline = await laDeadlineOf(context, access, command.laDeadline)
        if (!laDeadline || laDeadline.getTime() < Date.now())
          return invalid(command.intent, { laDeadline: ['The LA deadline must be today or later'] }, values)
      }
      result = await changeStatus(context, { ticket: access.ticket, actor, status: command.status, reason: command.reason, laDeadline })
      success = ({ view }) => `Status changed to ${STATUS_LABELS[view.status]}.${laDeadline ? ' LA deadline recorded.' : ''}`
      break
    }
    case 'la-response': {
      requireTicketPermission(access, 'change-status:ticket:org')
      result = await recordLaResponse(context, { ticket: access.ticket, actor })
      success = ({ view }) => `LA response recorded. Status: ${STATUS_LABELS[view.status]}.`
      break
    }
    case 'assign': {
      requireTicketPermission(access, command.assigneeId === actor.id ? 'assign:ticket:self' : 'assign:ticket:any')
      result = await assign(context, { ticket: access.ticket, actor, assigneeId: command.assigneeId })
      success = ({ view }) =>
        `${command.assigneeId === actor.id ? 'Assigned to you' : 'Assigned'}. Status: ${STATUS_LABELS[view.status]}. The family has been told.`
      break
    }
    case 'change-priority': {
      requireTicketPermission(access, 'change-priority:ticket:org')
      result = await changePriority(context, { ticket: access.ticket, actor, priority: command.priority })
      success = ({ view }) => `Priority changed to ${PRIORITY_LABELS[view.priority]}. SLA targets updated.`
      break
    }
    case 'change-type': {
      requireTicketPermission(access, 'change-type:ticket:org')
      result = await changeType(context, { ticket: access.ticket, actor, type: command.type })
      success = ({ view }) => `Type changed to ${TYPE_LABELS[view.type]}.`
      break
    }
    case 'link-case': {
      requireTicketPermission(access, 'link-case:ticket:org')
      result = await linkCase(context, { ticket: access.ticket, actor, caseRef: command.caseRef ?? null })
      success = ({ view }) => (view.caseRef ? `Linked to case ${view.caseRef}.` : 'Case unlinked.')
      break
    }
    case 'watch': {
      // Watchers are plain records, not lifecycle: no workflow command.
      requireTicketPermission(access, 'watch:ticket:org')
      const outcome = await setWatching(context.db, {
        ticket: access.ticket,
        userId: command.userId,
        watching: command.watching,
        actorId: actor.id,
        via: 'portal',
      })
      if (outcome === 'not_on_team') return invalid('watch', { userId: ['Only members of the team can watch a ticket'] }, values)
      const who = command.userId === actor.id ? 'You are' : 'They are'
      return redirectWithFlash(context, request, new URL(request.url).pathname, {
        kind: 'success',
        text: command.watching ? `${who} watching this ticket.` : `${who} no longer watching this ticket.`,
      })
    }
    case 'reopen': {
      requireTicketPermission(access, staff ? 'change-status:ticket:org' : 'reopen:ticket:own')
      result = await reopenTicket(context, { ticket: access.ticket, actor, role: access.role })
      success = ({ view }) =>
        staff
          ? `Reopened. Status: ${STATUS_LABELS[view.status]}.`
          : `Reopened. Status: ${familyStatusLabel(view.status, view.awaiting)}. Your advocate will pick it up again.`
      break
    }
  }
  return respond(context, request, access, command.intent, result, success, values)
}

async function respond(
  context: ActionFunctionArgs['context'],
  request: Request,
  access: TicketAccess,
  intent: Intent,
  result: TicketCommandResult,
  success: (r: Applied) => string,
  values: Record<string, string>,
) {
  const here = new URL(request.url).pathname
  context.log.info({ ticketId: access.ticket.id, intent, outcome: result.status }, 'ticket action')
  switch (result.status) {
    case 'applied':
      return redirectWithFlash(context, request, here, { kind: 'success', text: success(result) })
    case 'pending':
      return redirectWithFlash(context, request, here, { kind: 'info', text: result.message })
    case 'refused':
    case 'unavailable':
      return data<ActionData>(
        {
          intent,
          fieldErrors: {},
          formError: result.status === 'refused' ? `Not done: ${result.message}` : result.message,
          values,
        },
        { status: result.status === 'refused' ? 409 : 503 },
      )
  }
}

export default function TicketPage() {
  const loaderData = useLoaderData<typeof loader>()
  return loaderData.role === 'family' ? <FamilyTicket data={loaderData} /> : <StaffTicket data={loaderData} />
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>
type FamilyData = Extract<LoaderData, { role: 'family' }>
type StaffData = Extract<LoaderData, { role: 'staff' }>
type Message = FamilyData['messages'][number]

/** Errors and typed values from the last submission of one form, and whether it is on its way. */
function useFormState(intent: Intent) {
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const mine = actionData?.intent === intent ? actionData : undefined
  return {
    fieldErrors: mine?.fieldErrors ?? ({} as FieldErrors),
    formError: mine?.formError ?? null,
    values: mine?.values ?? ({} as Record<string, string>),
    submitting: navigation.state === 'submitting' && navigation.formData?.get('intent') === intent,
  }
}

function PaperclipIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" className="size-4 text-slate-600">
      <path d="M14.5 9.5 9.3 14.7a3.2 3.2 0 0 1-4.5-4.5l5.9-5.9a2.1 2.1 0 0 1 3 3l-5.9 5.9a1.1 1.1 0 0 1-1.5-1.5l5.2-5.2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  )
}

function MessageList({ messages, empty }: { messages: readonly Message[]; empty: string }) {
  if (!messages.length) return <p className="text-slate-600">{empty}</p>
  return (
    <ol className="space-y-4">
      {messages.map((m) => (
        <li key={m.id}>
          <article
            className={`rounded-lg p-4 ring-1 ${
              m.internal ? 'bg-amber-50 ring-amber-300' : m.fromFamily ? 'bg-white ring-slate-200' : 'bg-indigo-50 ring-indigo-100'
            }`}
          >
            <header className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
              <span className="font-semibold text-slate-900">
                {m.author}
                {m.internal ? <span className="ml-2 font-normal text-amber-900">Internal note</span> : null}
              </span>
              <span className="text-slate-600">
                <DateTime value={m.at} />
              </span>
            </header>
            <p className="mt-2 whitespace-pre-wrap break-words text-slate-900">{m.body}</p>
            {m.attachments.length ? (
              <ul className="mt-3 flex flex-wrap gap-2" aria-label="Attached files">
                {m.attachments.map((a) => (
                  <li key={a.id}>
                    <a
                      href={a.href}
                      className="inline-flex min-h-10 items-center gap-2 rounded-md bg-white px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-50"
                    >
                      <PaperclipIcon />
                      <span className="font-medium text-indigo-800 underline underline-offset-2">{a.filename}</span>
                      <span className="text-slate-600">({a.size})</span>
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </article>
        </li>
      ))}
    </ol>
  )
}

function FamilyTicket({ data }: { data: FamilyData }) {
  const { ticket, messages, attachments } = data
  const reply = useFormState('reply')
  const reopen = useFormState('reopen')
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <div>
        <p className="text-sm text-slate-600">
          <Link to="/my/tickets" className={linkClass}>
            My requests
          </Link>{' '}
          · #{ticket.number} · {ticket.organisation.name}
        </p>
        <h1 className="mt-1 break-words text-2xl font-bold text-slate-900">{ticket.subject}</h1>
      </div>
      <Card>
        <div className="flex flex-wrap items-center gap-3">
          <Badge tone={statusTone(ticket.status)}>
            <span role="status">{ticket.statusLabel}</span>
          </Badge>
          <p className="text-slate-800">{ticket.statusHint}</p>
        </div>
        {ticket.replyBy ? (
          <p className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-amber-950 ring-1 ring-amber-200">
            Please reply by <DateTime value={ticket.replyBy} />. If we do not hear from you by then, this request will close.
          </p>
        ) : null}
        {ticket.laDeadline ? (
          <p className="mt-3 text-slate-800">
            The local authority should answer by <DateTime value={ticket.laDeadline} />.
          </p>
        ) : null}
        <div className="mt-4">
          <DetailList
            items={[
              { label: 'Advocate', value: ticket.advocate ?? 'Not assigned yet' },
              ...(ticket.childName ? [{ label: 'Child', value: ticket.childName }] : []),
              { label: 'Type', value: ticket.type },
              { label: 'Sent', value: <DateTime value={ticket.createdAt} /> },
            ]}
          />
        </div>
        {ticket.canReopen ? (
          <Form method="post" className="mt-5 space-y-3 border-t border-slate-200 pt-4">
            <input type="hidden" name="intent" value="reopen" />
            {reopen.formError ? <Alert kind="error">{reopen.formError}</Alert> : null}
            <p className="text-slate-800">
              Still need help?{' '}
              {ticket.reopenUntil ? (
                <>
                  You can reopen this request until <DateTime value={ticket.reopenUntil} />.
                </>
              ) : (
                'You can reopen this request.'
              )}
            </p>
            <Button variant="secondary" disabled={reopen.submitting}>
              Reopen
            </Button>
          </Form>
        ) : null}
      </Card>
      <section aria-labelledby="conversation-heading" className="space-y-4">
        <h2 id="conversation-heading" className="text-lg font-semibold text-slate-900">
          Conversation
        </h2>
        <MessageList messages={messages} empty="No messages yet." />
      </section>
      {ticket.canReply ? (
        <Card aria-labelledby="reply-heading">
          <CardTitle id="reply-heading">Reply</CardTitle>
          <Form method="post" encType="multipart/form-data" className="mt-4 space-y-4" key={messages.length} noValidate>
            <input type="hidden" name="intent" value="reply" />
            {reply.formError ? <Alert kind="error">{reply.formError}</Alert> : null}
            <TextAreaField label="Message" name="body" rows={5} defaultValue={reply.values.body} errors={reply.fieldErrors.body} required />
            <FileField label="Attachments" name="attachments" accept={attachments.accept} hint={attachments.hint} errors={reply.fieldErrors.attachments} required={false} />
            <Button disabled={reply.submitting}>{reply.submitting ? 'Sending…' : 'Send reply'}</Button>
          </Form>
        </Card>
      ) : (
        <Card>
          <p className="text-slate-800">
            This request is closed, so it cannot take new messages. If you still need help,{' '}
            <Link to={ticket.followUpHref ?? `/orgs/${ticket.organisation.slug}/request`} className={linkClass}>
              start a follow-up request
            </Link>
            .
          </p>
        </Card>
      )}
    </div>
  )
}

function SideCard({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <Card aria-labelledby={id}>
      <CardTitle id={id}>{title}</CardTitle>
      <div className="mt-3 space-y-4">{children}</div>
    </Card>
  )
}

function StaffTicket({ data }: { data: StaffData }) {
  const {
    ticket,
    sla,
    live,
    conversation,
    notes,
    timeline,
    transitions,
    team,
    watchers,
    watchCandidates,
    savedReplies,
    replyDraft,
    me,
    permissions,
    inspectUrl,
    attachments,
  } = data
  const reply = useFormState('reply')
  const status = useFormState('change-status')
  const laResponse = useFormState('la-response')
  const assignment = useFormState('assign')
  const priority = useFormState('change-priority')
  const type = useFormState('change-type')
  const caseLink = useFormState('link-case')
  const watch = useFormState('watch')
  const offersPendingLa = transitions.some((t) => t.value === 'pending_la')
  // A staff reply moves a New ticket to In progress first, from where both are allowed.
  const afterReply = ticket.status === 'new' ? ['pending_family', 'resolved'] : transitions.map((t) => t.value)
  const replyThen = [
    { value: 'pending_family', label: 'Set to Pending family (waiting for their answer)' },
    { value: 'resolved', label: 'Set to Resolved' },
  ].filter((option) => afterReply.includes(option.value as (typeof transitions)[number]['value']))
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-600">
          <Link to="/staff/tickets" className={linkClass}>
            Ticket queue
          </Link>{' '}
          · #{ticket.number} · {ticket.organisation.name}
        </p>
        <h1 className="mt-1 break-words text-2xl font-bold text-slate-900">{ticket.subject}</h1>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <Badge tone={statusTone(ticket.status)}>
            <span role="status">{ticket.statusLabel}</span>
          </Badge>
          {ticket.familyReplied ? <Marker tone="violet">Family replied</Marker> : null}
          {ticket.caseOpen ? <Marker tone="teal">Case open</Marker> : null}
          {ticket.laOverdue ? <Marker tone="slate">LA overdue</Marker> : null}
          <span className="text-sm text-slate-700">Priority: {ticket.priority}</span>
          {inspectUrl ? (
            <a href={inspectUrl} target="_blank" rel="noreferrer" className={`${linkClass} ml-auto text-sm`}>
              Inspect workflow<span className="sr-only"> (opens the Temporal UI in a new tab)</span>
            </a>
          ) : null}
        </div>
        {ticket.statusReason ? <p className="mt-1 text-sm text-slate-700">Why: {ticket.statusReason}</p> : null}
      </div>

      {live.available ? null : <Alert kind="info">Live state unavailable: {live.message}</Alert>}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0 space-y-6">
          <Card aria-labelledby="details-heading">
            <h2 id="details-heading" className="sr-only">
              Details
            </h2>
            <DetailList
              items={[
                { label: 'Family', value: `${ticket.family.name} (${ticket.family.email})` },
                { label: 'Child', value: ticket.childName ?? '–' },
                { label: 'Type', value: ticket.type },
                ...(ticket.department ? [{ label: 'Team', value: ticket.department }] : []),
                { label: 'Priority', value: ticket.priority },
                { label: 'Assignee', value: ticket.assignee ?? 'Unassigned' },
                { label: 'Waiting on', value: ticket.awaiting === 'staff' ? 'The team' : ticket.awaiting === 'family' ? 'The family' : '–' },
                { label: 'Case', value: ticket.caseRef ?? 'Not linked' },
                { label: 'Received', value: <DateTime value={ticket.createdAt} /> },
                ...(ticket.laDeadline
                  ? [{ label: 'LA deadline', value: <>{<DateTime value={ticket.laDeadline} />}{ticket.laOverdue ? ' (overdue)' : ''}</> }]
                  : []),
                ...(ticket.autoCloseAt ? [{ label: 'Closes without a reply', value: <DateTime value={ticket.autoCloseAt} /> }] : []),
                ...(ticket.reopenUntil ? [{ label: 'Family can reopen until', value: <DateTime value={ticket.reopenUntil} /> }] : []),
                ...(ticket.closeReason ? [{ label: 'Closed because', value: ticket.closeReason }] : []),
                ...(ticket.followUpOf
                  ? [
                      {
                        label: 'Follows up',
                        value: (
                          <Link to={ticket.followUpOf.href} className={linkClass}>
                            #{ticket.followUpOf.number} {ticket.followUpOf.subject}
                          </Link>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          </Card>

          <Card aria-labelledby="sla-heading">
            <CardTitle id="sla-heading">Service level targets</CardTitle>
            {sla.targets.length ? (
              <table className="mt-3 w-full text-left text-sm">
                <caption className="sr-only">Each SLA target, its state and when it is due</caption>
                <thead className="text-xs uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className="py-2 pr-3">Target</th>
                    <th scope="col" className="py-2 pr-3">State</th>
                    <th scope="col" className="py-2">Due</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {sla.targets.map((t) => (
                    <tr key={t.key} className="align-top">
                      <th scope="row" className="py-2 pr-3 font-medium text-slate-900">
                        {t.label}
                        {t.calendar ? <span className="block text-xs font-normal text-slate-600">{t.calendar}</span> : null}
                      </th>
                      <td className="py-2 pr-3">
                        <SlaChip chip={t.chip} />
                      </td>
                      <td className="py-2 text-slate-800">
                        {t.due ? (
                          <DateTime value={t.due} />
                        ) : t.stopped ? (
                          <>
                            Done <DateTime value={t.stopped} />
                          </>
                        ) : t.paused ? (
                          'Paused while waiting'
                        ) : (
                          '–'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="mt-2 text-sm text-slate-600">No targets yet.</p>
            )}
            {live.available ? (
              <p className="mt-3 text-xs text-slate-600">
                Live from the ticket workflow (version {live.version}, last change <DateTime value={live.updatedAt} />).
              </p>
            ) : null}
          </Card>

          <section aria-labelledby="conversation-heading" className="space-y-4">
            <h2 id="conversation-heading" className="text-lg font-semibold text-slate-900">
              Conversation with the family
            </h2>
            <MessageList messages={conversation} empty="No messages yet." />
          </section>

          <section aria-labelledby="notes-heading" className="space-y-4">
            <h2 id="notes-heading" className="text-lg font-semibold text-slate-900">
              Notes for the team <span className="text-sm font-normal text-slate-600">(staff only, never shown to the family)</span>
            </h2>
            <MessageList messages={notes} empty="No notes yet." />
          </section>

          {permissions.reply ? (
            <Card aria-labelledby="reply-heading">
              <CardTitle id="reply-heading">Reply or add a note</CardTitle>
              {savedReplies.length ? (
                // A plain GET: works without scripts, and the page comes back with the text in the box.
                <Form method="get" className="mt-4 flex flex-wrap items-end gap-3" aria-label="Use a saved reply">
                  <div className="min-w-56 flex-1">
                    <SelectField
                      id="saved-reply"
                      label="Saved reply"
                      name="savedReply"
                      placeholder="Choose a saved reply"
                      options={savedReplies.map((r) => ({ value: r.id, label: r.title }))}
                      defaultValue={replyDraft?.id}
                      required={false}
                    />
                  </div>
                  <Button variant="secondary">Use saved reply</Button>
                </Form>
              ) : null}
              <Form
                method="post"
                encType="multipart/form-data"
                className="mt-4 space-y-4"
                key={`${conversation.length + notes.length}-${replyDraft?.id ?? ''}`}
                noValidate
              >
                <input type="hidden" name="intent" value="reply" />
                {reply.formError ? <Alert kind="error">{reply.formError}</Alert> : null}
                {permissions.note ? (
                  <fieldset>
                    <legend className="text-sm font-medium text-slate-800">Send as</legend>
                    <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
                      {[
                        { value: 'public', label: 'Reply', hint: 'the family sees it' },
                        { value: 'internal', label: 'Internal note', hint: 'staff only' },
                      ].map((option) => (
                        <div key={option.value} className="inline-flex min-h-10 items-center gap-2">
                          <input
                            type="radio"
                            id={`visibility-${option.value}`}
                            name="visibility"
                            value={option.value}
                            defaultChecked={(reply.values.visibility || 'public') === option.value}
                            aria-describedby={`visibility-${option.value}-hint`}
                            className="size-5 accent-indigo-700"
                          />
                          <label htmlFor={`visibility-${option.value}`} className="text-slate-900">
                            {option.label}
                          </label>
                          <span id={`visibility-${option.value}-hint`} className="text-sm text-slate-600">
                            ({option.hint})
                          </span>
                        </div>
                      ))}
                    </div>
                  </fieldset>
                ) : (
                  <input type="hidden" name="visibility" value="public" />
                )}
                <TextAreaField
                  label="Message"
                  name="body"
                  rows={5}
                  defaultValue={reply.values.body ?? replyDraft?.body}
                  errors={reply.fieldErrors.body}
                  required
                />
                <FileField label="Attachments" name="attachments" accept={attachments.accept} hint={attachments.hint} errors={reply.fieldErrors.attachments} required={false} />
                {permissions.changeStatus && replyThen.length ? (
                  <SelectField
                    label="After sending"
                    name="thenStatus"
                    options={[{ value: '', label: 'Keep the status as it is' }, ...replyThen]}
                    defaultValue={reply.values.thenStatus ?? ''}
                    errors={reply.fieldErrors.thenStatus}
                    hint="Ignored for internal notes."
                  />
                ) : null}
                <Button disabled={reply.submitting}>{reply.submitting ? 'Sending…' : 'Send reply'}</Button>
              </Form>
            </Card>
          ) : null}
        </div>

        <div className="space-y-6">
          {permissions.changeStatus ? (
            <SideCard title="Status" id="status-heading">
              {transitions.length ? (
                <Form method="post" className="space-y-4" key={ticket.status} noValidate>
                  <input type="hidden" name="intent" value="change-status" />
                  {status.formError ? <Alert kind="error">{status.formError}</Alert> : null}
                  <SelectField
                    label="New status"
                    name="status"
                    placeholder="Choose a status"
                    options={transitions}
                    defaultValue={status.values.status}
                    errors={status.fieldErrors.status}
                    required
                  />
                  {offersPendingLa ? (
                    <TextField
                      label="LA deadline"
                      name="laDeadline"
                      type="date"
                      hint="With Pending LA: the day the local authority must answer by."
                      defaultValue={status.values.laDeadline}
                      errors={status.fieldErrors.laDeadline}
                      required={false}
                    />
                  ) : null}
                  <TextField label="Reason" name="reason" defaultValue={status.values.reason} errors={status.fieldErrors.reason} required={false} />
                  <Button disabled={status.submitting}>Change status</Button>
                </Form>
              ) : (
                <p className="text-slate-700">A closed ticket cannot change status.</p>
              )}
            </SideCard>
          ) : null}

          {permissions.laResponse ? (
            <SideCard title="Local authority" id="la-heading">
              <p className="text-sm text-slate-700">
                {ticket.laDeadline ? (
                  <>
                    Must answer by <DateTime value={ticket.laDeadline} />
                    {ticket.laOverdue ? ': overdue.' : '.'}
                  </>
                ) : (
                  'No deadline recorded.'
                )}
              </p>
              <Form method="post" className="space-y-3" key={`la-${ticket.laDeadlineDate}`} noValidate>
                <input type="hidden" name="intent" value="change-status" />
                <input type="hidden" name="status" value="pending_la" />
                <TextField
                  id="la-deadline-update"
                  label="Deadline"
                  name="laDeadline"
                  type="date"
                  defaultValue={ticket.laDeadlineDate}
                  required
                />
                <Button variant="secondary">{ticket.laDeadline ? 'Update deadline' : 'Set deadline'}</Button>
              </Form>
              <Form method="post" className="space-y-3">
                <input type="hidden" name="intent" value="la-response" />
                {laResponse.formError ? <Alert kind="error">{laResponse.formError}</Alert> : null}
                <Button disabled={laResponse.submitting}>Record LA response</Button>
              </Form>
            </SideCard>
          ) : null}

          {permissions.assignAny || permissions.assignSelf ? (
            <SideCard title="Assignment" id="assignment-heading">
              {assignment.formError ? <Alert kind="error">{assignment.formError}</Alert> : null}
              {permissions.assignAny ? (
                <Form method="post" className="space-y-4" key={ticket.assigneeId ?? 'none'} noValidate>
                  <input type="hidden" name="intent" value="assign" />
                  <SelectField
                    label="Assignee"
                    name="assigneeId"
                    placeholder="Choose a team member"
                    options={team.map((m) => ({ value: m.id, label: m.id === me.id ? `${m.name} (you)` : m.name }))}
                    defaultValue={assignment.values.assigneeId ?? ticket.assigneeId ?? undefined}
                    errors={assignment.fieldErrors.assigneeId}
                    required
                  />
                  <Button disabled={assignment.submitting}>Assign</Button>
                </Form>
              ) : (
                <Form method="post">
                  <input type="hidden" name="intent" value="assign" />
                  <input type="hidden" name="assigneeId" value={me.id} />
                  <Button disabled={assignment.submitting}>Assign to me</Button>
                </Form>
              )}
            </SideCard>
          ) : null}

          {permissions.changePriority || permissions.changeType ? (
            <SideCard title="Priority and type" id="priority-heading">
              {permissions.changePriority ? (
                <Form method="post" className="space-y-3" key={`p-${ticket.priorityValue}`} noValidate>
                  <input type="hidden" name="intent" value="change-priority" />
                  {priority.formError ? <Alert kind="error">{priority.formError}</Alert> : null}
                  <SelectField
                    label="Priority"
                    name="priority"
                    options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
                    defaultValue={priority.values.priority ?? ticket.priorityValue}
                    errors={priority.fieldErrors.priority}
                    hint="Changes the SLA targets."
                    required
                  />
                  <Button variant="secondary" disabled={priority.submitting}>
                    Change priority
                  </Button>
                </Form>
              ) : null}
              {permissions.changeType ? (
                <Form method="post" className="space-y-3" key={`t-${ticket.typeValue}`} noValidate>
                  <input type="hidden" name="intent" value="change-type" />
                  {type.formError ? <Alert kind="error">{type.formError}</Alert> : null}
                  <SelectField
                    id="ticket-type"
                    label="Type"
                    name="type"
                    options={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
                    defaultValue={type.values.type ?? ticket.typeValue}
                    errors={type.fieldErrors.type}
                    required
                  />
                  <Button variant="secondary" disabled={type.submitting}>
                    Change type
                  </Button>
                </Form>
              ) : null}
            </SideCard>
          ) : null}

          {permissions.linkCase ? (
            <SideCard title="Case" id="case-heading">
              <Form method="post" className="space-y-3" key={`c-${ticket.caseRef ?? ''}`} noValidate>
                <input type="hidden" name="intent" value="link-case" />
                {caseLink.formError ? <Alert kind="error">{caseLink.formError}</Alert> : null}
                <TextField
                  label="Case reference"
                  name="caseRef"
                  defaultValue={caseLink.values.caseRef ?? ticket.caseRef ?? ''}
                  errors={caseLink.fieldErrors.caseRef}
                  hint="Leave blank to unlink."
                  required={false}
                />
                <Button variant="secondary" disabled={caseLink.submitting}>
                  {ticket.caseRef ? 'Update case link' : 'Link case'}
                </Button>
              </Form>
            </SideCard>
          ) : null}

          {permissions.watch ? (
            <SideCard title="Watchers" id="watchers-heading">
              <p className="text-sm text-slate-600">Told when the family writes or a target is breached, without being assigned.</p>
              {watch.formError ? <Alert kind="error">{watch.formError}</Alert> : null}
              {watchers.length ? (
                <ul className="divide-y divide-slate-100 text-sm" aria-label="Watchers">
                  {watchers.map((w) => (
                    <li key={w.id} className="flex items-center justify-between gap-2 py-1.5">
                      <span className="text-slate-900">{w.id === me.id ? `${w.name} (you)` : w.name}</span>
                      <Form method="post">
                        <input type="hidden" name="intent" value="watch" />
                        <input type="hidden" name="userId" value={w.id} />
                        <input type="hidden" name="watching" value="false" />
                        {w.id === me.id ? (
                          <Button variant="quiet">Stop watching</Button>
                        ) : (
                          <Button variant="quiet" aria-label={`Remove ${w.name} as a watcher`}>
                            Remove
                          </Button>
                        )}
                      </Form>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-slate-700">Nobody is watching this ticket.</p>
              )}
              {watchCandidates.some((m) => m.id === me.id) ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="watch" />
                  <input type="hidden" name="userId" value={me.id} />
                  <input type="hidden" name="watching" value="true" />
                  <Button variant="secondary" disabled={watch.submitting}>
                    Watch this ticket
                  </Button>
                </Form>
              ) : null}
              {watchCandidates.some((m) => m.id !== me.id) ? (
                <Form method="post" className="space-y-3" key={`w-${watchers.length}`} noValidate>
                  <input type="hidden" name="intent" value="watch" />
                  <input type="hidden" name="watching" value="true" />
                  <SelectField
                    id="watcher"
                    label="Add a watcher"
                    name="userId"
                    placeholder="Choose a team member"
                    options={watchCandidates.filter((m) => m.id !== me.id).map((m) => ({ value: m.id, label: m.name }))}
                    errors={watch.fieldErrors.userId}
                    required
                  />
                  <Button variant="secondary" disabled={watch.submitting}>
                    Add watcher
                  </Button>
                </Form>
              ) : null}
            </SideCard>
          ) : null}

          <SideCard title="Timeline" id="timeline-heading">
            {timeline.length ? (
              <ol className="space-y-3 border-l-2 border-slate-200 pl-4">
                {timeline.map((event) => (
                  <li key={event.seq} className="text-sm">
                    <p className="text-slate-900">{event.text}</p>
                    <p className="text-slate-600">
                      {event.actor ? `${event.actor} · ` : ''}
                      <DateTime value={event.at} />
                    </p>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="text-sm text-slate-600">Nothing recorded yet.</p>
            )}
          </SideCard>
        </div>
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { STATUS_LABELS } from '../../../../domain/ticket.ts'
import { GeneralErrorBoundary } from '../../components/error-boundary.tsx'
import { Alert, Badge, Button, Card, DateTime, SelectField, TextAreaField, TextField } from '../../components/ui.tsx'
import { assign, changeStatus, postMessage, type TicketCommandResult } from '../../services/tickets.server.ts'
import { redirectWithFlash } from '../../utils/flash.server.ts'
import { familyStatusLabel, statusTone } from '../../utils/format.ts'
import { requireTicketAccess, requireTicketPermission, type TicketAccess } from '../../utils/permissions.server.ts'
import { parseForm, TicketActionSchema } from '../../utils/validation.ts'
import { familyTicketData, staffTicketData } from './ticket.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `#${data.ticket.number} ${data.ticket.subject} · Caseway` : 'Ticket · Caseway' },
]

// One page, two audiences: the family of the ticket, and its organisation's team.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireTicketAccess(context, request, params)
  return access.role === 'family' ? familyTicketData(context, access) : staffTicketData(context, access)
}

type Intent = 'reply' | 'change-status' | 'assign'

export async function action({ request, params, context }: ActionFunctionArgs) {
  const access = await requireTicketAccess(context, request, params)
  const form = parseForm(await request.formData(), TicketActionSchema)
  if (!form.success) {
    const intent = (form.values.intent ?? 'reply') as Intent
    return data({ intent, fieldErrors: form.fieldErrors, formError: form.formErrors[0] ?? null, values: form.values }, { status: 400 })
  }
  const command = form.data
  const actor = { id: access.user.id }
  const staff = access.role !== 'family'
  let result: TicketCommandResult
  let success: (r: Extract<TicketCommandResult, { status: 'applied' }>) => string
  switch (command.intent) {
    case 'reply': {
      requireTicketPermission(
        access,
        command.visibility === 'internal' ? 'note:ticket:org' : staff ? 'reply:ticket:org' : 'reply:ticket:own',
      )
      result = await postMessage(context, {
        ticket: access.ticket,
        author: actor,
        role: access.role,
        body: command.body,
        visibility: command.visibility,
      })
      success = ({ view }) =>
        command.visibility === 'internal'
          ? 'Internal note added.'
          : staff
            ? `Reply sent. Status: ${STATUS_LABELS[view.status]}.`
            : `Message sent. Status: ${familyStatusLabel(view.status, view.awaiting)}.`
      break
    }
    case 'change-status': {
      requireTicketPermission(access, 'change-status:ticket:org')
      result = await changeStatus(context, { ticket: access.ticket, actor, status: command.status, reason: command.reason })
      success = ({ view }) => `Status changed to ${STATUS_LABELS[view.status]}.`
      break
    }
    case 'assign': {
      requireTicketPermission(access, command.assigneeId === actor.id ? 'assign:ticket:self' : 'assign:ticket:any')
      result = await assign(context, { ticket: access.ticket, actor, assigneeId: command.assigneeId })
      success = ({ view }) =>
        `${command.assigneeId === actor.id ? 'Assigned to you' : 'Assigned'}. Status: ${STATUS_LABELS[view.status]}.`
      break
    }
  }
  return respond(context, request, access, command.intent, result, success, form.data)
}

async function respond(
  context: ActionFunctionArgs['context'],
  request: Request,
  access: TicketAccess,
  intent: Intent,
  result: TicketCommandResult,
  success: (r: Extract<TicketCommandResult, { status: 'applied' }>) => string,
  values: Record<string, unknown>,
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
      return data(
        {
          intent,
          fieldErrors: {} as Record<string, string[] | undefined>,
          formError: result.status === 'refused' ? `Not done: ${result.message}` : result.message,
          values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v ?? '')])),
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

/** Errors and typed values from the last submission of one form. */
function useFormState(intent: Intent) {
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const mine = actionData?.intent === intent ? actionData : undefined
  return {
    formError: mine?.formError ?? null,
    fieldErrors: mine?.fieldErrors ?? {},
    values: mine?.values ?? {},
    submitting: navigation.state === 'submitting' && navigation.formData?.get('intent') === intent,
  }
}

function MessageList({ messages, empty, variant = 'public' }: { messages: Message[]; empty: string; variant?: 'public' | 'internal' }) {
  if (!messages.length) return <p className="text-slate-600">{empty}</p>
  return (
    <ol className="space-y-4">
      {messages.map((m) => (
        <li key={m.id}>
          <article
            className={`rounded-lg p-4 ring-1 ${
              variant === 'internal'
                ? 'bg-amber-50 ring-amber-200'
                : m.fromFamily
                  ? 'bg-white ring-slate-200'
                  : 'bg-indigo-50 ring-indigo-100'
            }`}
          >
            <header className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
              <span className="font-semibold text-slate-900">{m.author}</span>
              <span className="text-slate-600">
                <DateTime value={m.at} />
              </span>
            </header>
            <p className="mt-2 whitespace-pre-wrap break-words text-slate-900">{m.body}</p>
          </article>
        </li>
      ))}
    </ol>
  )
}

function MetaItem({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  )
}

function FamilyTicket({ data }: { data: FamilyData }) {
  const { ticket, messages } = data
  const reply = useFormState('reply')
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <div>
        <p className="text-sm text-slate-600">
          <Link to="/my/tickets" className="text-indigo-800 underline-offset-4 hover:underline">
            My requests
          </Link>{' '}
          · #{ticket.number} · {ticket.organisation.name}
        </p>
        <h1 className="mt-1 text-2xl font-bold text-slate-900">{ticket.subject}</h1>
      </div>
      <Card>
        <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <MetaItem label="Status">
            <Badge tone={statusTone(ticket.status)}>
              <span role="status">{ticket.statusLabel}</span>
            </Badge>
            <p className="mt-1 text-sm text-slate-700">{ticket.statusHint}</p>
          </MetaItem>
          <MetaItem label="Advocate">{ticket.advocate ?? 'Not assigned yet'}</MetaItem>
          {ticket.childName ? <MetaItem label="Child">{ticket.childName}</MetaItem> : null}
          <MetaItem label="Type">{ticket.type}</MetaItem>
          <MetaItem label="Sent">
            <DateTime value={ticket.createdAt} />
          </MetaItem>
        </dl>
      </Card>
      <section aria-labelledby="conversation-heading" className="space-y-4">
        <h2 id="conversation-heading" className="text-lg font-semibold text-slate-900">
          Conversation
        </h2>
        <MessageList messages={messages} empty="No messages yet." />
      </section>
      {ticket.canReply ? (
        <Card>
          <h2 className="text-lg font-semibold text-slate-900">Reply</h2>
          <Form method="post" className="mt-4 space-y-4" key={messages.length} noValidate>
            <input type="hidden" name="intent" value="reply" />
            {reply.formError ? <Alert kind="error">{reply.formError}</Alert> : null}
            <TextAreaField
              label="Message"
              name="body"
              rows={5}
              defaultValue={reply.values.body}
              errors={reply.fieldErrors.body}
              required
            />
            <Button disabled={reply.submitting}>Send reply</Button>
          </Form>
        </Card>
      ) : (
        <Card>
          <p className="text-slate-800">
            This request is closed, so it cannot take new messages. If you need more help,{' '}
            <Link to={`/orgs/${ticket.organisation.slug}/request`} className="text-indigo-800 underline underline-offset-4">
              send a new request
            </Link>
            .
          </p>
        </Card>
      )}
    </div>
  )
}

function StaffTicket({ data }: { data: StaffData }) {
  const { ticket, live, conversation, notes, timeline, transitions, team, me, permissions, inspectUrl } = data
  const reply = useFormState('reply')
  const status = useFormState('change-status')
  const assignment = useFormState('assign')
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <p className="text-sm text-slate-600">
            <Link to="/staff/tickets" className="text-indigo-800 underline-offset-4 hover:underline">
              Ticket queue
            </Link>{' '}
            · #{ticket.number} · {ticket.organisation.name}
          </p>
          <h1 className="mt-1 text-2xl font-bold text-slate-900">{ticket.subject}</h1>
        </div>
        {inspectUrl ? (
          <a href={inspectUrl} target="_blank" rel="noreferrer" className="text-sm font-medium text-indigo-800 underline underline-offset-4">
            Inspect workflow
          </a>
        ) : null}
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card>
            <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2">
              <MetaItem label="Status">
                <Badge tone={statusTone(ticket.status)}>
                  <span role="status">{ticket.statusLabel}</span>
                </Badge>
                {ticket.awaiting ? (
                  <p className="mt-1 text-sm text-slate-700">
                    {ticket.awaiting === 'staff' ? 'Waiting on the team' : 'Waiting on the family'}
                  </p>
                ) : null}
              </MetaItem>
              <MetaItem label="Assignee">{ticket.assignee ?? 'Unassigned'}</MetaItem>
              <MetaItem label="Family">
                {ticket.family.name}
                <span className="block text-sm text-slate-600">{ticket.family.email}</span>
              </MetaItem>
              <MetaItem label="Child">{ticket.childName ?? 'Not given'}</MetaItem>
              <MetaItem label="Type">{ticket.type}</MetaItem>
              <MetaItem label="Priority">{ticket.priority}</MetaItem>
              {ticket.department ? <MetaItem label="Team">{ticket.department}</MetaItem> : null}
              <MetaItem label="Opened">
                <DateTime value={ticket.createdAt} />
              </MetaItem>
            </dl>
            <p className="mt-4 border-t border-slate-100 pt-3 text-sm text-slate-600">
              {live.available ? (
                <>
                  Live from the ticket’s workflow (version {live.version}, updated <DateTime value={live.updatedAt} />).
                </>
              ) : (
                <>Live state unavailable: {live.message}</>
              )}
            </p>
          </Card>

          <section aria-labelledby="conversation-heading" className="space-y-4">
            <h2 id="conversation-heading" className="text-lg font-semibold text-slate-900">
              Conversation with the family
            </h2>
            <MessageList messages={conversation} empty="No messages yet." />
          </section>

          <section aria-labelledby="notes-heading" className="space-y-4">
            <h2 id="notes-heading" className="text-lg font-semibold text-slate-900">
              Notes for the team{' '}
              <span className="text-sm font-normal text-slate-600">(staff only, never shown to the family)</span>
            </h2>
            <MessageList messages={notes} empty="No notes yet." variant="internal" />
          </section>

          <Card>
            <h2 className="text-lg font-semibold text-slate-900">Reply or add a note</h2>
            <Form method="post" className="mt-4 space-y-4" key={conversation.length + notes.length} noValidate>
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
                      <div key={option.value} className="inline-flex items-center gap-2">
                        <input
                          type="radio"
                          id={`visibility-${option.value}`}
                          name="visibility"
                          value={option.value}
                          defaultChecked={(reply.values.visibility || 'public') === option.value}
                          aria-describedby={`visibility-${option.value}-hint`}
                          className="size-4 accent-indigo-700"
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
                defaultValue={reply.values.body}
                errors={reply.fieldErrors.body}
                required
              />
              <Button disabled={reply.submitting}>Send reply</Button>
            </Form>
          </Card>
        </div>

        <div className="space-y-6">
          {permissions.changeStatus ? (
            <Card>
              <h2 className="text-lg font-semibold text-slate-900">Status</h2>
              {transitions.length ? (
                <Form method="post" className="mt-4 space-y-4" key={ticket.status} noValidate>
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
                  <TextField
                    label="Reason"
                    name="reason"
                    defaultValue={status.values.reason}
                    errors={status.fieldErrors.reason}
                    required={false}
                  />
                  <Button disabled={status.submitting}>Change status</Button>
                </Form>
              ) : (
                <p className="mt-2 text-slate-700">A closed ticket cannot change status.</p>
              )}
            </Card>
          ) : null}

          {ticket.status !== 'closed' && (permissions.assignAny || (permissions.assignSelf && ticket.assigneeId !== me.id)) ? (
            <Card>
              <h2 className="text-lg font-semibold text-slate-900">Assignment</h2>
              {assignment.formError ? (
                <div className="mt-4">
                  <Alert kind="error">{assignment.formError}</Alert>
                </div>
              ) : null}
              {permissions.assignAny ? (
                <Form method="post" className="mt-4 space-y-4" key={ticket.assigneeId ?? 'none'} noValidate>
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
                <Form method="post" className="mt-4">
                  <input type="hidden" name="intent" value="assign" />
                  <input type="hidden" name="assigneeId" value={me.id} />
                  <Button disabled={assignment.submitting}>Assign to me</Button>
                </Form>
              )}
            </Card>
          ) : null}

          <Card>
            <h2 className="text-lg font-semibold text-slate-900">Timeline</h2>
            {timeline.length ? (
              <ol className="mt-3 space-y-3 border-l-2 border-slate-200 pl-4">
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
              <p className="mt-2 text-sm text-slate-600">Nothing recorded yet.</p>
            )}
          </Card>
        </div>
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

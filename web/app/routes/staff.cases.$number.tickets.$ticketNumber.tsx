/**
 * A case's Ticket tab: the linked ticket's status, its conversation and notes,
 * and the reply-or-note form, posted through the same handler, services and
 * components as the ticket page. The ticket must be linked to this case and
 * visible to the person under the ticket's own rule; otherwise 404.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { readFormWithFiles } from '../../shared/multipart.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { Badge, linkClass } from '../components/ui.tsx'
import { requireCaseAccess } from '../utils/case-access.server.ts'
import { statusTone } from '../utils/format.ts'
import { notFound } from '../utils/http.ts'
import { requireTicketAccess } from '../utils/permissions.server.ts'
import { newSubmissionToken, submitOnce } from '../utils/submissions.server.ts'
import { formValues, parseForm, ReplySchema } from '../utils/validation.ts'
import { handleReply, invalid, respond } from './tickets.$orgSlug.$number/actions.server.ts'
import { MessageList } from './tickets.$orgSlug.$number/conversation.tsx'
import { ReplyCard } from './tickets.$orgSlug.$number/reply-card.tsx'
import { staffTicketData } from './tickets.$orgSlug.$number/ticket.server.ts'

/** The case, and its linked ticket as the ticket page's rule lets this person see it. */
async function requireCaseTicket(context: LoaderFunctionArgs['context'], request: Request, params: LoaderFunctionArgs['params']) {
  const access = await requireCaseAccess(context, request, params)
  const number = Number(params.ticketNumber)
  if (!/^[1-9]\d{0,9}$/.test(params.ticketNumber ?? '') || !Number.isSafeInteger(number)) throw notFound('Ticket not found')
  const linked = await context.db.ticket.findFirst({
    where: { orgId: access.case.orgId, number, caseId: access.case.id },
    select: { id: true },
  })
  if (!linked) throw notFound('Ticket not found')
  const ticketAccess = await requireTicketAccess(context, request, { orgSlug: access.team.org.slug, number: String(number) })
  if (ticketAccess.role === 'family') throw notFound('Ticket not found')
  return { access, ticketAccess, here: `/staff/cases/${access.case.number}/tickets/${number}${access.orgQuery}` }
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { ticketAccess } = await requireCaseTicket(context, request, params)
  const page = await staffTicketData(context, ticketAccess, new URL(request.url).searchParams)
  return { ...page, submissionToken: newSubmissionToken() }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { ticketAccess, here } = await requireCaseTicket(context, request, params)
  const upload = await readFormWithFiles(request)
  const values = formValues(upload.formData)
  const form = parseForm(upload.formData, ReplySchema)
  if (!form.success) return invalid('reply', form.fieldErrors, form.values, form.formErrors[0] ?? null)
  if (!upload.ok) return invalid('reply', { attachments: [upload.error] }, values)
  const args = {
    context,
    request,
    params,
    access: ticketAccess,
    actor: { id: ticketAccess.user.id },
    staff: true,
    uploads: upload.uploads,
    values,
  }
  return submitOnce(context, request, upload.formData, { form: 'ticket-reply', actorId: ticketAccess.user.id }, async () => {
    const handled = await handleReply(args, form.data)
    if ('response' in handled) return handled.response
    return respond(context, request, ticketAccess, 'reply', handled.result, handled.success, values, here)
  })
}

export default function CaseTicketTab() {
  const data = useLoaderData<typeof loader>()
  const { ticket, conversation, notes, permissions } = data
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="break-words text-xl font-semibold text-slate-900">
          #{ticket.number} {ticket.subject}
        </h2>
        <Badge tone={statusTone(ticket.status)}>
          <span className="sr-only">Ticket status: </span>
          {ticket.statusLabel}
        </Badge>
        <Link to={`/tickets/${ticket.organisation.slug}/${ticket.number}`} className={`${linkClass} text-sm`}>
          Open the ticket page
        </Link>
      </div>
      <div className="grid gap-6 xl:grid-cols-2">
        <section aria-labelledby="conversation-heading" className="min-w-0 space-y-4">
          <h3 id="conversation-heading" className="text-lg font-semibold text-slate-900">
            Conversation with the family
          </h3>
          <MessageList messages={conversation} empty="No messages yet." />
        </section>
        <div className="min-w-0 space-y-6">
          {permissions.reply ? (
            <ReplyCard
              ticket={ticket}
              transitions={data.transitions}
              permissions={permissions}
              savedReplies={data.savedReplies}
              replyDraft={data.replyDraft}
              attachments={data.attachments}
              submissionToken={data.submissionToken}
              formKey={`${conversation.length + notes.length}-${data.replyDraft?.id ?? ''}`}
            />
          ) : (
            <p className="text-slate-700">This ticket is closed: it takes no more replies.</p>
          )}
          <section aria-labelledby="notes-heading" className="space-y-4">
            <h3 id="notes-heading" className="text-lg font-semibold text-slate-900">
              Notes for the team <span className="text-sm font-normal text-slate-600">(staff only)</span>
            </h3>
            <MessageList messages={notes} empty="No notes yet." />
          </section>
        </div>
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

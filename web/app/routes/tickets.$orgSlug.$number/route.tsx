import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '../../components/error-boundary.tsx'
import { readFormWithFiles } from '../../../shared/multipart.ts'
import { newSubmissionToken, submitOnce } from '../../utils/submissions.server.ts'
import { requireTicketAccess } from '../../utils/permissions.server.ts'
import { formValues, parseForm, TicketActionSchema, type TicketAction } from '../../utils/validation.ts'
import {
  handleAddTag,
  handleAssign,
  handleChangePriority,
  handleChangeStatus,
  handleChangeDepartment,
  handleChangeType,
  handleDeleteTime,
  handleEditTime,
  handleLaResponse,
  handleLinkCase,
  handleLogTime,
  handleRemoveTag,
  handleReopen,
  handleReply,
  handleWatch,
  invalid,
  respond,
  type Handled,
  type TicketActionArgs,
} from './actions.server.ts'
import {
  handleAddChecklistItem,
  handleMoveChecklistItem,
  handleApplyTemplate,
  handleRemoveChecklistItem,
  handleRenameChecklistItem,
  handleTickChecklistItem,
} from './checklist.server.ts'
import { handleAddTask, handleLinkTask, handleTaskStatus } from './tasks.server.ts'
import { FamilyTicket } from './family-ticket.tsx'
import { handleLinkTicket, handleUnlinkTicket } from './related.server.ts'
import { StaffTicket } from './staff-ticket.tsx'
import { familyTicketData, staffTicketData } from './ticket.server.ts'
import type { Intent } from './types.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `#${data.ticket.number} ${data.ticket.subject} · Caseway` : 'Ticket · Caseway' },
]

// One page, two audiences: the family of the ticket, and its organisation's team.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireTicketAccess(context, request, params)
  const page =
    access.role === 'family'
      ? await familyTicketData(context, access)
      : await staffTicketData(context, access, new URL(request.url).searchParams)
  // One token per creating form: the reply, and (staff) logging time and adding a checklist item.
  return {
    ...page,
    submissionToken: newSubmissionToken(),
    timeToken: newSubmissionToken(),
    checklistToken: newSubmissionToken(),
    taskToken: newSubmissionToken(),
  }
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
  const args: TicketActionArgs = {
    context,
    request,
    params,
    access,
    actor: { id: access.user.id },
    staff: access.role !== 'family',
    uploads: upload.uploads,
    values,
  }
  const act = async () => {
    const handled = await dispatch(args, command)
    if ('response' in handled) return handled.response
    return respond(context, request, access, command.intent, handled.result, handled.success, values)
  }
  // A reply, a note, logged time or a checklist item is made once per rendered form; the other commands set a state, which a repeat cannot set twice.
  const once = ONCE_FORMS[command.intent]
  if (!once) return act()
  return submitOnce(context, request, upload.formData, { form: once, actorId: access.user.id }, act)
}

const ONCE_FORMS: Partial<Record<Intent, string>> = {
  reply: 'ticket-reply',
  'log-time': 'ticket-time',
  'add-checklist-item': 'ticket-checklist',
  'add-task': 'ticket-task',
}

function dispatch(args: TicketActionArgs, command: TicketAction): Promise<Handled> {
  switch (command.intent) {
    case 'reply':
      return handleReply(args, command)
    case 'change-status':
      return handleChangeStatus(args, command)
    case 'la-response':
      return handleLaResponse(args)
    case 'assign':
      return handleAssign(args, command)
    case 'change-priority':
      return handleChangePriority(args, command)
    case 'change-type':
      return handleChangeType(args, command)
    case 'change-department':
      return handleChangeDepartment(args, command)
    case 'link-case':
      return handleLinkCase(args, command)
    case 'watch':
      return handleWatch(args, command)
    case 'add-tag':
      return handleAddTag(args, command)
    case 'remove-tag':
      return handleRemoveTag(args, command)
    case 'log-time':
      return handleLogTime(args, command)
    case 'edit-time':
      return handleEditTime(args, command)
    case 'delete-time':
      return handleDeleteTime(args, command)
    case 'link-ticket':
      return handleLinkTicket(args, command)
    case 'unlink-ticket':
      return handleUnlinkTicket(args, command)
    case 'add-checklist-item':
      return handleAddChecklistItem(args, command)
    case 'rename-checklist-item':
      return handleRenameChecklistItem(args, command)
    case 'tick-checklist-item':
      return handleTickChecklistItem(args, command)
    case 'move-checklist-item':
      return handleMoveChecklistItem(args, command)
    case 'remove-checklist-item':
      return handleRemoveChecklistItem(args, command)
    case 'apply-template':
      return handleApplyTemplate(args, command)
    case 'add-task':
      return handleAddTask(args, command)
    case 'link-task':
      return handleLinkTask(args, command)
    case 'task-status':
      return handleTaskStatus(args, command)
    case 'reopen':
      return handleReopen(args)
  }
}

export default function TicketPage() {
  const loaderData = useLoaderData<typeof loader>()
  return loaderData.role === 'family' ? <FamilyTicket data={loaderData} /> : <StaffTicket data={loaderData} />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}

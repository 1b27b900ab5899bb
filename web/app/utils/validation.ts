/**
 * Every form's schema, parsed on the server with field-level messages written
 * for the person filling the form in. The same schemas serve the HTTP API.
 */
import { z } from 'zod'
import { OPEN_CASE_STATUSES } from '../../../domain/case.ts'
import { TIME_KINDS } from '../../../domain/durations.ts'
import {
  CalendarDateSchema,
  caseRef,
  checklistTitle,
  DurationSchema,
  EmailSchema,
  messageBody,
  tagName,
  taskTitle,
  TimeNoteSchema,
  wellFormed,
} from '../../../domain/input-schemas.ts'
import { NAME_MAX, SUBJECT_MAX } from '../../../domain/limits.ts'
import { TASK_STATUSES } from '../../../domain/tasks.ts'
import { PRIORITIES, TICKET_STATUSES, TICKET_TYPES, VISIBILITIES } from '../../../domain/ticket.ts'

export { EmailSchema }

/** Required text: trimmed, with one message for missing, blank and too long. */
function requiredText(message: string, max: number, tooLong = `Keep this under ${max} characters`) {
  return wellFormed(z.string({ error: message }).trim().min(1, message).max(max, tooLong), false)
}

/** Optional text: blank becomes undefined. */
function optionalText(max: number, tooLong = `Keep this under ${max} characters`) {
  return wellFormed(z.string().trim().max(max, tooLong), false)
    .optional()
    .transform((v) => (v ? v : undefined))
}

export const NameSchema = requiredText('Enter your name', NAME_MAX, `Keep your name under ${NAME_MAX} characters`)

/** A new password: long rather than complicated (NIST SP 800-63B). */
export const NewPasswordSchema = z
  .string({ error: 'Choose a password' })
  .min(10, 'Use at least 10 characters')
  .max(200, 'Use at most 200 characters')

export const SignUpSchema = z.object({
  name: NameSchema,
  email: EmailSchema,
  password: NewPasswordSchema,
  redirectTo: z.string().optional(),
})

export const ForgotPasswordSchema = z.object({ email: EmailSchema })

export const ResetPasswordSchema = z
  .object({
    token: z.string().min(1).max(200),
    password: NewPasswordSchema,
    confirm: z.string({ error: 'Type the new password again' }),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords are not the same' })

export const ChangePasswordSchema = z
  .object({
    intent: z.literal('change-password'),
    currentPassword: z.string({ error: 'Enter your current password' }).min(1, 'Enter your current password').max(1024),
    password: NewPasswordSchema,
    confirm: z.string({ error: 'Type the new password again' }),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords are not the same' })

export const LoginSchema = z.object({
  email: EmailSchema,
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(1024, 'That password is too long'),
  redirectTo: z.string().optional(),
})

export const TicketRequestSchema = z.object({
  type: z.enum(TICKET_TYPES, { error: 'Choose what you need help with' }),
  subject: requiredText('Give your request a short subject', SUBJECT_MAX),
  childName: optionalText(NAME_MAX),
  departmentId: optionalText(64).pipe(z.uuid({ error: 'Choose a team from the list' }).optional()),
  message: messageBody('Tell us what is happening and how we can help'),
})

/** "Resolve anyway": present once the person has seen how many checklist items are open. */
const ConfirmResolve = z
  .literal('1', { error: 'Confirm or go back' })
  .optional()
  .transform((v) => v === '1')

export const ReplySchema = z.object({
  intent: z.literal('reply'),
  body: messageBody('Write a message before sending'),
  // Families never choose: their replies are always public (the action enforces it).
  visibility: z.enum(VISIBILITIES, { error: 'Choose Reply or Internal note' }).default('public'),
  // Staff: a reply that asks the family something, or closes the matter, sets the status too.
  thenStatus: z
    .union([z.literal(''), z.enum(['pending_family', 'resolved'], { error: 'Choose what happens after sending' })])
    .optional()
    .transform((v) => (v ? v : undefined)),
  // The second submit of "Send and resolve anyway", after the page said the checklist is unfinished.
  confirm: ConfirmResolve,
})

/** A date as <input type="date"> sends it; the action reads it as the end of that day in the organisation's time zone. */
const LocalDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d\d-\d\d$/, 'Enter a date, like 2026-12-01')

export const ChangeStatusSchema = z.object({
  intent: z.literal('change-status'),
  status: z.enum(TICKET_STATUSES, { error: 'Choose a status' }),
  reason: optionalText(500),
  laDeadline: z
    .union([z.literal(''), LocalDate])
    .optional()
    .transform((v) => (v ? v : undefined)),
  // The second submit of "Resolve anyway", after the page said the checklist is unfinished.
  confirm: ConfirmResolve,
})

/** An admin's "Override capacity" checkbox: present (ticked) or absent. */
const OverrideCapacity = z
  .literal('1', { error: 'Tick the box or leave it' })
  .optional()
  .transform((v) => v === '1')

export const AssignSchema = z.object({
  intent: z.literal('assign'),
  assigneeId: z.uuid({ error: 'Choose a team member' }),
  overrideCapacity: OverrideCapacity,
})

export const ChangePrioritySchema = z.object({
  intent: z.literal('change-priority'),
  priority: z.enum(PRIORITIES, { error: 'Choose a priority' }),
})

export const ChangeTypeSchema = z.object({
  intent: z.literal('change-type'),
  type: z.enum(TICKET_TYPES, { error: 'Choose a type' }),
})

export const ChangeDepartmentSchema = z.object({
  intent: z.literal('change-department'),
  departmentId: z.uuid({ error: 'Choose a department' }),
})

export const LinkCaseSchema = z.object({
  intent: z.literal('link-case'),
  // Blank unlinks.
  caseRef: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .pipe(caseRef().optional()),
})

export const WatchSchema = z.object({
  intent: z.literal('watch'),
  userId: z.uuid({ error: 'Choose a team member' }),
  watching: z.enum(['true', 'false'], { error: 'Say whether to start or stop watching' }).transform((v) => v === 'true'),
})

export const AddTagSchema = z.object({ intent: z.literal('add-tag'), name: tagName('Type a tag, or choose one') })
export const RemoveTagSchema = z.object({ intent: z.literal('remove-tag'), tagId: z.uuid({ error: 'Choose a tag' }) })

const TimeEntryFields = {
  duration: DurationSchema,
  workedOn: CalendarDateSchema,
  kind: z.enum(TIME_KINDS, { error: 'Choose what the time was spent on' }),
  note: TimeNoteSchema,
}
export const LogTimeSchema = z.object({ intent: z.literal('log-time'), ...TimeEntryFields })
export const EditTimeSchema = z.object({ intent: z.literal('edit-time'), entryId: z.uuid({ error: 'Unknown entry' }), ...TimeEntryFields })
export const DeleteTimeSchema = z.object({ intent: z.literal('delete-time'), entryId: z.uuid({ error: 'Unknown entry' }) })

// A ticket number as typed: "#12" or "12".
const RelatedNumber = z
  .string({ error: 'Enter a ticket number' })
  .trim()
  .regex(/^#?\d{1,10}$/, 'Enter a ticket number, like 12')
  .transform((v) => Number(v.replace('#', '')))
export const LinkTicketSchema = z.object({ intent: z.literal('link-ticket'), number: RelatedNumber })
export const UnlinkTicketSchema = z.object({ intent: z.literal('unlink-ticket'), number: RelatedNumber })

const ChecklistItemId = z.uuid({ error: 'Unknown checklist item' })
/** A checkbox: ticked sends "1", unticked sends nothing. */
const Ticked = z
  .literal('1', { error: 'Tick the box or leave it' })
  .optional()
  .transform((v) => v === '1')
export const AddChecklistItemSchema = z.object({
  intent: z.literal('add-checklist-item'),
  title: checklistTitle(),
  staffOnly: Ticked,
  /** "Tell the family": their notice of the new step (never for a staff-only one). */
  tellFamily: Ticked,
})
export const RenameChecklistItemSchema = z.object({
  intent: z.literal('rename-checklist-item'),
  itemId: ChecklistItemId,
  title: checklistTitle(),
})
/** The item's own checkbox and its button: the box as sent is the state it should have. */
export const TickChecklistItemSchema = z.object({
  intent: z.literal('tick-checklist-item'),
  itemId: ChecklistItemId,
  done: Ticked,
  /** "Tell the family": their notice when this submit ticks the item. */
  tellFamily: Ticked,
})
export const MoveChecklistItemSchema = z.object({
  intent: z.literal('move-checklist-item'),
  itemId: ChecklistItemId,
  direction: z.enum(['up', 'down'], { error: 'Say which way to move it' }),
})
export const RemoveChecklistItemSchema = z.object({ intent: z.literal('remove-checklist-item'), itemId: ChecklistItemId })

/** Staff applying one of the organisation's templates: its missing steps and its tags join the ticket. */
export const ApplyTemplateSchema = z.object({ intent: z.literal('apply-template'), templateId: z.uuid({ error: 'Choose a template' }) })
const TaskId = z.uuid({ error: 'Choose a task' })
export const AddTaskSchema = z.object({
  intent: z.literal('add-task'),
  title: taskTitle(),
  ownerId: z.union([z.literal(''), z.uuid({ error: 'Choose a team member' })]).optional(),
  due: z
    .union([
      z.literal(''),
      z
        .string()
        .trim()
        .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/, 'Enter a date and time, like 2026-12-01 09:30'),
    ])
    .optional(),
})
export const LinkTaskSchema = z.object({ intent: z.literal('link-task'), taskId: TaskId })
export const TaskStatusSchema = z.object({
  intent: z.literal('task-status'),
  taskId: TaskId,
  status: z.enum(TASK_STATUSES, { error: 'Choose a status' }),
})

export const ReopenSchema = z.object({ intent: z.literal('reopen') })
export const LaResponseSchema = z.object({ intent: z.literal('la-response') })

export const TicketActionSchema = z.discriminatedUnion(
  'intent',
  [
    ReplySchema,
    ChangeStatusSchema,
    AssignSchema,
    ChangePrioritySchema,
    ChangeTypeSchema,
    ChangeDepartmentSchema,
    LinkCaseSchema,
    ReopenSchema,
    LaResponseSchema,
    WatchSchema,
    AddTagSchema,
    RemoveTagSchema,
    LogTimeSchema,
    EditTimeSchema,
    DeleteTimeSchema,
    LinkTicketSchema,
    UnlinkTicketSchema,
    AddChecklistItemSchema,
    RenameChecklistItemSchema,
    TickChecklistItemSchema,
    MoveChecklistItemSchema,
    RemoveChecklistItemSchema,
    ApplyTemplateSchema,
    AddTaskSchema,
    LinkTaskSchema,
    TaskStatusSchema,
  ],
  { error: 'Unknown action' },
)
export type TicketAction = z.output<typeof TicketActionSchema>

/** Triage: one form per new ticket sets its priority and assigns it. */
export const TriageSchema = z.object({
  intent: z.literal('triage'),
  number: z.coerce.number({ error: 'Unknown ticket' }).int().positive(),
  assigneeId: z.uuid({ error: 'Choose an advocate' }),
  priority: z.enum(PRIORITIES, { error: 'Choose a priority' }),
  overrideCapacity: OverrideCapacity,
})

/** A date and time as <input type="datetime-local"> sends it; the action reads it in the organisation's time zone. */
const LocalDateTime = z
  .string()
  .trim()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/, 'Enter a date and time, like 2026-12-01 09:30')
const optionalLocalDateTime = z
  .union([z.literal(''), LocalDateTime])
  .optional()
  .transform((v) => (v ? v : undefined))
const ActionId = z.uuid({ error: 'Unknown next action' })

/** The case page's forms, one intent each. */
export const CaseActionSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('set-status'), status: z.enum(OPEN_CASE_STATUSES, { error: 'Choose a status' }) }),
    z.object({
      intent: z.literal('add-action'),
      title: requiredText('Say what needs doing', SUBJECT_MAX),
      ownerId: z.union([z.literal(''), z.uuid({ error: 'Choose someone from the list' })]).transform((v) => v || null),
      due: optionalLocalDateTime,
    }),
    z.object({ intent: z.literal('complete-action'), actionId: ActionId }),
    z.object({ intent: z.literal('reopen-action'), actionId: ActionId }),
    z.object({ intent: z.literal('change-due'), actionId: ActionId, due: optionalLocalDateTime }),
    z.object({ intent: z.literal('close-case'), reason: requiredText('Say why the case is closing', 500) }),
    z.object({ intent: z.literal('reopen-case') }),
  ],
  { error: 'Unknown action' },
)
export type CaseAction = z.output<typeof CaseActionSchema>

export type FieldErrors = Record<string, string[] | undefined>

export type FormResult<T> =
  { success: true; data: T } | { success: false; fieldErrors: FieldErrors; formErrors: string[]; values: Record<string, string> }

/** A form's text fields (files left out), as typed. */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {}
  for (const [key, value] of formData) if (typeof value === 'string') values[key] = value
  return values
}

/**
 * Parses a form's text fields; on failure returns the messages and what was
 * typed, to fill the form again. `lists` are fields sent several times (a set
 * of checkboxes), read whole with formData.getAll.
 */
export function parseForm<S extends z.ZodType>(
  formData: FormData,
  schema: S,
  lists: Record<string, FormDataEntryValue[]> = {},
): FormResult<z.output<S>> {
  const values = formValues(formData)
  const parsed = schema.safeParse({ ...values, ...lists })
  if (parsed.success) return { success: true, data: parsed.data }
  const { fieldErrors, formErrors } = z.flattenError(parsed.error) as { fieldErrors: FieldErrors; formErrors: string[] }
  // Never send a password back to the page.
  for (const key of ['password', 'confirm', 'currentPassword']) delete values[key]
  return { success: false, fieldErrors, formErrors, values }
}

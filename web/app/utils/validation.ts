/**
 * Every form's schema, parsed on the server with field-level messages written
 * for the person filling the form in. The same schemas serve the HTTP API.
 */
import { z } from 'zod'
import { TICKET_STATUSES, TICKET_TYPES, VISIBILITIES } from '../../../domain/ticket.ts'

/** Required text: trimmed, with one message for missing, blank and too long. */
function requiredText(message: string, max: number, tooLong = `Keep this under ${max} characters`) {
  return z.string({ error: message }).trim().min(1, message).max(max, tooLong)
}

/** Optional text: blank becomes undefined. */
function optionalText(max: number, tooLong = `Keep this under ${max} characters`) {
  return z
    .string()
    .trim()
    .max(max, tooLong)
    .optional()
    .transform((v) => (v ? v : undefined))
}

export const EmailSchema = z
  .string({ error: 'Enter your email address' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter your email address')
  .max(254, 'That email address is too long')
  .pipe(z.email({ error: 'Enter an email address like name@example.com' }))

export const LoginSchema = z.object({
  email: EmailSchema,
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(1024, 'That password is too long'),
  redirectTo: z.string().optional(),
})

export const MESSAGE_MAX = 20_000

export const TicketRequestSchema = z.object({
  type: z.enum(TICKET_TYPES, { error: 'Choose what you need help with' }),
  subject: requiredText('Give your request a short subject', 200),
  childName: optionalText(120),
  departmentId: optionalText(64).pipe(z.uuid({ error: 'Choose a team from the list' }).optional()),
  message: requiredText('Tell us what is happening and how we can help', MESSAGE_MAX),
})

export const ReplySchema = z.object({
  intent: z.literal('reply'),
  body: requiredText('Write a message before sending', MESSAGE_MAX),
  // Families never choose: their replies are always public (the action enforces it).
  visibility: z.enum(VISIBILITIES, { error: 'Choose Reply or Internal note' }).default('public'),
})

export const ChangeStatusSchema = z.object({
  intent: z.literal('change-status'),
  status: z.enum(TICKET_STATUSES, { error: 'Choose a status' }),
  reason: optionalText(500),
})

export const AssignSchema = z.object({
  intent: z.literal('assign'),
  assigneeId: z.uuid({ error: 'Choose a team member' }),
})

export const TicketActionSchema = z.discriminatedUnion('intent', [ReplySchema, ChangeStatusSchema, AssignSchema], {
  error: 'Unknown action',
})

export type FieldErrors = Record<string, string[] | undefined>

export type FormResult<T> =
  | { success: true; data: T }
  | { success: false; fieldErrors: FieldErrors; formErrors: string[]; values: Record<string, string> }

/** Parses a form's text fields; on failure returns the messages and what was typed, to fill the form again. */
export function parseForm<S extends z.ZodType>(formData: FormData, schema: S): FormResult<z.output<S>> {
  const values: Record<string, string> = {}
  for (const [key, value] of formData) if (typeof value === 'string') values[key] = value
  const parsed = schema.safeParse(values)
  if (parsed.success) return { success: true, data: parsed.data }
  const { fieldErrors, formErrors } = z.flattenError(parsed.error) as { fieldErrors: FieldErrors; formErrors: string[] }
  // Never send a password back to the page.
  delete values.password
  return { success: false, fieldErrors, formErrors, values }
}

/**
 * The SLA policy settings form: what admins type (hours, percentages, one
 * holiday per line, a checkbox per working day) to and from the policy the
 * domain stores in minutes and shares (domain/sla-schemas.ts). Field names are
 * flat (`normal.first`), so each error sits under its own field.
 */
import { z } from 'zod'
import { TARGET_CALENDARS, type SlaPolicyJson, type SlaTarget } from '../../../domain/sla.ts'
import { ClockTimeSchema, SlaPolicySchema, TimezoneSchema } from '../../../domain/sla-schemas.ts'
import { PRIORITIES, TICKET_TYPES, type Priority } from '../../../domain/ticket.ts'

/** ISO weekday numbers (1 = Monday), as the business calendar counts them. */
export const WEEKDAYS = [
  { day: 1, label: 'Monday' },
  { day: 2, label: 'Tuesday' },
  { day: 3, label: 'Wednesday' },
  { day: 4, label: 'Thursday' },
  { day: 5, label: 'Friday' },
  { day: 6, label: 'Saturday' },
  { day: 7, label: 'Sunday' },
] as const

/** A target's three budgets: the field-name suffix, the policy key and the column heading. */
export const TARGET_FIELDS = [
  { field: 'first', key: 'firstResponseMinutes', label: 'First response' },
  { field: 'next', key: 'nextResponseMinutes', label: 'Next response' },
  { field: 'resolution', key: 'resolutionMinutes', label: 'Resolution' },
] as const

const MAX_HOURS = 365 * 24

/** Hours as typed ("4", "1.5") to whole minutes, at least one. */
const Hours = z
  .string({ error: 'Enter a number of hours' })
  .trim()
  .min(1, 'Enter a number of hours')
  .pipe(
    z.coerce
      .number<string>({ error: 'Enter a number of hours, like 4 or 1.5' })
      .positive('Enter more than 0 hours')
      .max(MAX_HOURS, `Enter at most ${MAX_HOURS} hours (a year)`),
  )
  .transform((hours) => Math.max(1, Math.round(hours * 60)))

const Calendar = z.enum(TARGET_CALENDARS, { error: 'Choose business hours or around the clock' })

function wholeNumber(message: string, min: number, max: number) {
  return (
    z
      .string({ error: message })
      .trim()
      .min(1, message)
      // A refine rather than .int(): zod's int check aborts the parse, hiding the other fields' problems.
      .pipe(
        z.coerce
          .number<string>({ error: message })
          .refine(Number.isInteger, message)
          .refine((n) => n >= min, `Enter at least ${min}`)
          .refine((n) => n <= max, `Enter at most ${max}`),
      )
  )
}

/** Minutes shown as hours, to two decimals at most. */
export function minutesToHours(minutes: number): string {
  return String(Math.round((minutes / 60) * 100) / 100)
}

type TargetShape<P extends string> = Record<`${P}.${'first' | 'next' | 'resolution'}`, typeof Hours> &
  Record<`${P}.calendar`, typeof Calendar>

function targetShape<P extends string>(prefix: P): TargetShape<P> {
  return {
    [`${prefix}.first`]: Hours,
    [`${prefix}.next`]: Hours,
    [`${prefix}.resolution`]: Hours,
    [`${prefix}.calendar`]: Calendar,
  } as TargetShape<P>
}

function targetFrom(values: Record<string, unknown>, prefix: string): SlaTarget {
  return {
    firstResponseMinutes: values[`${prefix}.first`] as number,
    nextResponseMinutes: values[`${prefix}.next`] as number,
    resolutionMinutes: values[`${prefix}.resolution`] as number,
    calendar: values[`${prefix}.calendar`] as SlaTarget['calendar'],
  }
}

function targetValues(target: SlaTarget, prefix: string): Record<string, string> {
  return {
    [`${prefix}.first`]: minutesToHours(target.firstResponseMinutes),
    [`${prefix}.next`]: minutesToHours(target.nextResponseMinutes),
    [`${prefix}.resolution`]: minutesToHours(target.resolutionMinutes),
    [`${prefix}.calendar`]: target.calendar,
  }
}

/** One date per line (or separated by commas), each checked, sorted, repeats dropped. */
const Holidays = z
  .string()
  .max(20_000, 'That is too many holidays')
  .default('')
  .transform((text, ctx) => {
    const dates = text.split(/[\s,]+/).filter(Boolean)
    const bad = dates.filter((date) => !z.iso.date().safeParse(date).success)
    if (bad.length) {
      ctx.addIssue({ code: 'custom', message: `Not a date: ${bad.slice(0, 3).join(', ')}. Write dates as 2026-12-25, one per line` })
      return z.NEVER
    }
    return [...new Set(dates)].sort()
  })

const dayFields = Object.fromEntries(WEEKDAYS.map(({ day }) => [`day-${day}`, z.literal('on').optional()])) as Record<
  `day-${(typeof WEEKDAYS)[number]['day']}`,
  z.ZodOptional<z.ZodLiteral<'on'>>
>
const priorityTargetFields = Object.assign({}, ...PRIORITIES.map((priority) => targetShape(priority))) as TargetShape<Priority>

/** The whole form; type overrides are kept as stored (they have their own form). */
export const SlaPolicyFormSchema = z
  .object({
    intent: z.literal('save-policy'),
    /** The stored policy's revision the form was filled from. */
    revision: z.string().max(64).default(''),
    timezone: TimezoneSchema,
    ...dayFields,
    start: ClockTimeSchema,
    end: ClockTimeSchema,
    holidays: Holidays,
    atRiskPercent: wholeNumber('Enter a percentage from 0 to 100', 0, 100),
    ...priorityTargetFields,
    reminderDays: wholeNumber('Enter a number of days', 1, 365),
    autoCloseDays: wholeNumber('Enter a number of days', 1, 365),
    reopenWindowDays: wholeNumber('Enter a number of days (0 for no reopening)', 0, 365),
    applyToOpenTickets: z.literal('on').optional(),
  })
  // Checked even while other fields are wrong, so every problem shows at once.
  .refine((values) => WEEKDAYS.some(({ day }) => values[`day-${day}`]), {
    path: ['days'],
    message: 'Choose at least one working day',
    when: () => true,
  })
  .refine((values) => values.start < values.end, {
    path: ['end'],
    message: 'Closing time must be after opening time',
    when: ({ issues }) => !issues.some((issue) => issue.path?.[0] === 'start' || issue.path?.[0] === 'end'),
  })

/** The policy the form describes, with the stored type overrides; validated as the API validates it. */
export function policyFromForm(values: z.output<typeof SlaPolicyFormSchema>, typeOverrides: SlaPolicyJson['typeOverrides']): SlaPolicyJson {
  const record = values as Record<string, unknown>
  return SlaPolicySchema.parse({
    timezone: values.timezone,
    businessHours: { days: WEEKDAYS.filter(({ day }) => record[`day-${day}`]).map(({ day }) => day), start: values.start, end: values.end },
    holidays: values.holidays,
    atRiskShare: values.atRiskPercent / 100,
    targets: Object.fromEntries(PRIORITIES.map((priority) => [priority, targetFrom(record, priority)])),
    typeOverrides,
    pendingFamily: { reminderDays: values.reminderDays, autoCloseDays: values.autoCloseDays },
    reopenWindowDays: values.reopenWindowDays,
  })
}

/** The form's fields filled in from a policy. */
export function policyFormValues(policy: SlaPolicyJson): Record<string, string> {
  return {
    timezone: policy.timezone,
    ...Object.fromEntries(policy.businessHours.days.map((day) => [`day-${day}`, 'on'])),
    start: policy.businessHours.start,
    end: policy.businessHours.end,
    holidays: policy.holidays.join('\n'),
    atRiskPercent: String(Math.round(policy.atRiskShare * 100)),
    ...Object.assign({}, ...PRIORITIES.map((priority) => targetValues(policy.targets[priority], priority))),
    reminderDays: String(policy.pendingFamily.reminderDays),
    autoCloseDays: String(policy.pendingFamily.autoCloseDays),
    reopenWindowDays: String(policy.reopenWindowDays),
  }
}

/** Adds or replaces the targets for one ticket type at one priority. */
export const TypeOverrideFormSchema = z
  .object({
    intent: z.literal('save-override'),
    type: z.enum(TICKET_TYPES, { error: 'Choose a ticket type' }),
    priority: z.enum(PRIORITIES, { error: 'Choose a priority' }),
    ...targetShape('override'),
  })
  .transform((values) => ({ intent: values.intent, type: values.type, priority: values.priority, target: targetFrom(values, 'override') }))

export const RemoveTypeOverrideSchema = z.object({
  intent: z.literal('remove-override'),
  type: z.enum(TICKET_TYPES, { error: 'Choose a ticket type' }),
  priority: z.enum(PRIORITIES, { error: 'Choose a priority' }),
})

export const ApplyPolicySchema = z.object({ intent: z.literal('apply-policy') })

export const SlaSettingsActionSchema = z.discriminatedUnion(
  'intent',
  [SlaPolicyFormSchema, TypeOverrideFormSchema, RemoveTypeOverrideSchema, ApplyPolicySchema],
  { error: 'Unknown action' },
)

/** The overrides with one more (or one replaced). */
export function withTypeOverride(
  overrides: SlaPolicyJson['typeOverrides'],
  override: { type: keyof SlaPolicyJson['typeOverrides']; priority: Priority; target: SlaTarget | null },
): SlaPolicyJson['typeOverrides'] {
  const forType = { ...overrides[override.type] }
  if (override.target) forType[override.priority] = override.target
  else delete forType[override.priority]
  const next = { ...overrides, [override.type]: forType }
  if (!Object.keys(forType).length) delete next[override.type]
  return next
}

/**
 * The SLA policy and business calendar as the admin screens, the API and the
 * stored column exchange them, validated with zod. Apart from the rules
 * (domain/sla.ts, domain/business-calendar.ts) because the ticket workflow does
 * not validate: its activities hand it a checked policy. Building these schemas
 * costs milliseconds, and the workflow sandbox would build them again for every
 * ticket it starts.
 */
import { IANAZone } from 'luxon'
import { z } from 'zod'
import { DEFAULT_TIMEZONE } from './business-calendar.ts'
import { defaultSlaPolicy, slaPolicyToJson, TARGET_CALENDARS } from './sla.ts'
import { PRIORITIES, TICKET_TYPES } from './ticket.ts'

// ---------------------------------------------------------------------------
// Business calendars

export const TimezoneSchema = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), { error: 'Unknown time zone, use an IANA name such as Europe/London' })

export const WorkingDaysSchema = z
  .array(z.int().min(1).max(7))
  .min(1, { error: 'Choose at least one working day' })
  .refine((days) => new Set(days).size === days.length, { error: 'Each working day may appear only once' })

export const ClockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'Use HH:mm, e.g. 09:00' })

/** Local dates in the calendar's time zone; z.iso.date() also refuses 2026-02-30. */
export const HolidaysSchema = z.array(z.iso.date())

const hoursShape = { days: WorkingDaysSchema, start: ClockTimeSchema, end: ClockTimeSchema }

// Zero-padded HH:mm strings compare in time order.
const opensBeforeCloses = (hours: { start: string; end: string }) => hours.start < hours.end
const opensBeforeClosesError = { error: 'Closing time must be after opening time', path: ['end'] }

/** Working days and hours without zone or holidays: the `businessHours` part of an SLA policy. */
export const BusinessHoursSchema = z.strictObject(hoursShape).refine(opensBeforeCloses, opensBeforeClosesError)

export const BusinessHoursCalendarSchema = z
  .strictObject({
    timezone: TimezoneSchema.default(DEFAULT_TIMEZONE),
    ...hoursShape,
    holidays: HolidaysSchema.default([]),
  })
  .refine(opensBeforeCloses, opensBeforeClosesError)

// ---------------------------------------------------------------------------
// SLA policy

// A year of minutes: generous for any real target, and it bounds the calendar walk.
const TargetMinutesSchema = z
  .int()
  .min(1)
  .max(365 * 24 * 60)

export const SlaTargetSchema = z.strictObject({
  firstResponseMinutes: TargetMinutesSchema,
  nextResponseMinutes: TargetMinutesSchema,
  resolutionMinutes: TargetMinutesSchema,
  calendar: z.enum(TARGET_CALENDARS),
})
export type SlaTarget = z.output<typeof SlaTargetSchema>

const DaysSchema = z.int().min(1).max(365)

/** The policy as the admin screens and the API exchange and store it. */
export const SlaPolicySchema = z.strictObject({
  timezone: TimezoneSchema,
  businessHours: BusinessHoursSchema,
  holidays: HolidaysSchema,
  atRiskShare: z.number().min(0).max(1),
  targets: z.record(z.enum(PRIORITIES), SlaTargetSchema),
  typeOverrides: z.partialRecord(z.enum(TICKET_TYPES), z.partialRecord(z.enum(PRIORITIES), SlaTargetSchema)),
  pendingFamily: z.strictObject({ reminderDays: DaysSchema, autoCloseDays: DaysSchema }),
  reopenWindowDays: z.int().min(0).max(365),
})
export type SlaPolicyJson = z.output<typeof SlaPolicySchema>

/**
 * The policy an organisation's new tickets run: the stored one, or the default
 * in the organisation's time zone when none is stored or the stored one is not
 * valid (`problem` says why). The one rule for the settings screens, the API and
 * the workflow's loadSlaPolicy activity, so what the web shows is what tickets run.
 */
export function effectiveSlaPolicy(stored: unknown, timezone: string): { policy: SlaPolicyJson; isDefault: boolean; problem?: string } {
  const parsed = stored === null || stored === undefined ? null : SlaPolicySchema.safeParse(stored)
  if (parsed?.success) return { policy: parsed.data, isDefault: false }
  const policy = slaPolicyToJson(defaultSlaPolicy(timezone))
  if (!parsed) return { policy, isDefault: true }
  return { policy, isDefault: true, problem: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') }
}

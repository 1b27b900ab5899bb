/**
 * What staff and integrations send to the statutory timeline, checked the same
 * way at both edges; the case workflow checks it again against the case.
 */
import { z } from 'zod'
import { isCalendarDate, STATUTORY_DEADLINE_KEYS, STATUTORY_EXCEPTION_REASONS, STATUTORY_STAGES } from './statutory-periods.ts'

export const StatutoryStageSchema = z.enum(STATUTORY_STAGES, { error: 'Choose one of the listed stages' })

export const CalendarDateSchema = z.string({ error: 'Enter a date' }).trim().refine(isCalendarDate, 'Enter a real date as YYYY-MM-DD')

export const StageDateSchema = z.strictObject({ stage: StatutoryStageSchema, date: CalendarDateSchema })

export const DeadlineExceptionSchema = z.strictObject({
  key: z.enum(STATUTORY_DEADLINE_KEYS, { error: 'Choose one of the listed deadlines' }),
  reason: z.enum(STATUTORY_EXCEPTION_REASONS, { error: 'Choose one of the listed reasons' }),
})

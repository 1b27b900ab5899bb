/**
 * The inputs every edge shares (email addresses, messages, case references),
 * validated with zod: the portal's forms and the API's schemas both build on
 * these, with the limits of limits.ts. Apart from the rules, like
 * sla-schemas.ts, to keep zod out of the workflow bundle.
 */
import { z } from 'zod'
import {
  CASE_REF_MAX,
  CHECKLIST_TITLE_MAX,
  EMAIL_MAX,
  formatLimit,
  MESSAGE_MAX,
  TAG_NAME_MAX,
  TASK_TITLE_MAX,
  TEMPLATE_NAME_MAX,
} from './limits.ts'
import { DateTime } from 'luxon'
import { MAX_ENTRY_MINUTES, parseDuration } from './durations.ts'
import { tidyTagName } from './tags.ts'

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001F\u007F]/

/**
 * Refuses unpaired surrogates and control characters (PostgreSQL refuses NUL,
 * and a reader downstream chokes on the rest); text over several lines keeps
 * its line breaks and tabs.
 */
export function wellFormed(schema: z.ZodString, multiline: boolean) {
  return schema
    .refine((text) => !UNPAIRED_SURROGATE.test(text), { error: 'Contains an unpaired surrogate (not valid Unicode)' })
    .refine((text) => !(multiline ? CONTROL_EXCEPT_WHITESPACE : ANY_CONTROL).test(text), {
      error: multiline ? 'Contains control characters' : 'Must be a single line without control characters',
    })
}

/**
 * Required text, trimmed, with one message for missing and blank, and one for too
 * long. A line break counts as one character: browsers send each as CR LF, and a
 * form's counter, like the person typing, sees one.
 */
export function requiredText(max: number, options: { multiline: boolean; required?: string; tooLong?: string }) {
  const required = options.required ?? 'Must not be blank'
  const text = z.string({ error: required })
  return wellFormed(
    (options.multiline ? text.overwrite((value) => value.replace(/\r\n?/g, '\n')) : text)
      .trim()
      .min(1, required)
      .max(max, options.tooLong ?? `Keep this to at most ${formatLimit(max)} characters`),
    options.multiline,
  )
}

/** An email address, trimmed and lower-cased: how accounts are stored and found. */
export const EmailSchema = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter an email address')
  .max(EMAIL_MAX, `An email address is at most ${formatLimit(EMAIL_MAX)} characters`)
  .pipe(z.email({ error: 'Enter an email address like name@example.com' }))

/** A message or note; `required` is what to say when it is blank. */
export function messageBody(required = 'Write a message') {
  return requiredText(MESSAGE_MAX, {
    multiline: true,
    required,
    tooLong: `Keep the message to at most ${formatLimit(MESSAGE_MAX)} characters`,
  })
}

/** A case reference, on one line. */
export function caseRef(required = 'Enter a case reference') {
  return requiredText(CASE_REF_MAX, {
    multiline: false,
    required,
    tooLong: `A case reference is at most ${formatLimit(CASE_REF_MAX)} characters`,
  })
}

/** A tag's name, on one line, its spacing tidied (domain/tags.ts). */
export function tagName(required = 'Enter a tag') {
  return requiredText(TAG_NAME_MAX, {
    multiline: false,
    required,
    tooLong: `A tag is at most ${formatLimit(TAG_NAME_MAX)} characters`,
  }).transform(tidyTagName)
}

/** A checklist item's title: one line, trimmed, 1 to 200 characters. */
export function checklistTitle(required = 'Name the step') {
  return requiredText(CHECKLIST_TITLE_MAX, {
    multiline: false,
    required,
    tooLong: `A checklist item is at most ${formatLimit(CHECKLIST_TITLE_MAX)} characters`,
  })
}

/** A ticket template's name: one line, trimmed, 1 to 100 characters. */
export function templateName(required = 'Name the template') {
  return requiredText(TEMPLATE_NAME_MAX, {
    multiline: false,
    required,
    tooLong: `A template name is at most ${formatLimit(TEMPLATE_NAME_MAX)} characters`,
  })
}

/** Time spent as people type it ("45", "1h 30m"), read as whole minutes (domain/durations.ts). */
export const DurationSchema = z
  .string({ error: 'Enter the time spent' })
  .trim()
  .min(1, 'Enter the time spent')
  .max(40, 'Enter minutes, like 45, or hours and minutes, like 1h 30m')
  .transform((text, ctx) => {
    const minutes = parseDuration(text)
    if (minutes === null)
      ctx.addIssue({
        code: 'custom',
        message: `Enter minutes, like 45, or hours and minutes, like 1h 30m (at most ${MAX_ENTRY_MINUTES / 60}h)`,
      })
    return minutes ?? 0
  })

/** A calendar day, YYYY-MM-DD, that exists. */
export const CalendarDateSchema = z
  .string({ error: 'Enter a date, like 2026-12-01' })
  .trim()
  .regex(/^\d{4}-\d\d-\d\d$/, 'Enter a date, like 2026-12-01')
  .refine((value) => DateTime.fromISO(value, { zone: 'utc' }).isValid, { error: 'That day does not exist' })

/** An optional note of a line or a few: blank becomes null. */
export const TimeNoteSchema = wellFormed(z.string().trim().max(500, 'Keep the note to at most 500 characters'), true)
  .optional()
  .transform((value) => (value ? value : null))

/** A task's title: one line, trimmed, 1 to 200 characters. */
export function taskTitle(required = 'Name the task') {
  return requiredText(TASK_TITLE_MAX, {
    multiline: false,
    required,
    tooLong: `A task is at most ${formatLimit(TASK_TITLE_MAX)} characters`,
  })
}

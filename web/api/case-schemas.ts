/**
 * The case resource's requests and answers (the building blocks are schemas.ts's):
 * a case and its statutory timeline.
 */
import { z } from 'zod'
import { CASE_STATUSES } from '../../domain/case.ts'
import { STATUTORY_DEADLINE_KEYS, STATUTORY_EXCEPTION_REASONS, STATUTORY_STAGES } from '../../domain/statutory-periods.ts'
import { STATUTORY_DEADLINE_STATES } from '../../domain/statutory-timeline.ts'
import { Email, EnumFilter, EXAMPLE_PEOPLE, InstantOut, ListTicketsQuery, PersonSchema } from './schemas.ts'

export const ListCasesQuery = z.strictObject({
  status: EnumFilter(CASE_STATUSES),
  advocate: Email.meta({ examples: [EXAMPLE_PEOPLE.staff] })
    .optional()
    .describe('Only the cases of the advocate with this email address.'),
  cursor: ListTicketsQuery.shape.cursor,
  limit: ListTicketsQuery.shape.limit.describe('Page size, 1 to 100; a page holds at most 50 cases.'),
})

export const StatutoryDeadlineSchema = z
  .object({
    key: z.enum(STATUTORY_DEADLINE_KEYS),
    kind: z.enum(['duty', 'window']).describe('A duty of the council (overdue when missed), or a window the family has (it ends).'),
    regulation: z.string(),
    description: z.string(),
    startDate: z.string().describe('The stage date it counts from.'),
    dueDate: z.string().describe('Its last day.'),
    dueAt: InstantOut.describe('The end of its last day in the organisation’s time zone.'),
    state: z.enum(STATUTORY_DEADLINE_STATES),
    reason: z.enum(STATUTORY_EXCEPTION_REASONS).nullable().describe('With `exception`: the reason the Regulations allow.'),
  })
  .meta({ id: 'StatutoryDeadline' })

export const CaseSchema = z
  .object({
    caseRef: z.string(),
    number: z.int(),
    status: z.enum(CASE_STATUSES),
    family: PersonSchema,
    childName: z.string().nullable(),
    advocate: PersonSchema.nullable(),
    openedAt: InstantOut,
    closedAt: InstantOut.nullable(),
    lastActivityAt: InstantOut,
    overdueActions: z.int(),
    stages: z.partialRecord(z.enum(STATUTORY_STAGES), z.string()).describe('The day each recorded stage began.'),
    deadlines: z.array(StatutoryDeadlineSchema).describe('The LA deadlines, earliest first.'),
    tickets: z.array(z.int()).describe('The numbers of its linked tickets.'),
  })
  .meta({ id: 'Case' })

export const CaseEnvelope = z.object({ case: CaseSchema }).meta({ id: 'CaseEnvelope' })

export const CaseListSchema = z
  .object({
    cases: z.array(CaseSchema.omit({ deadlines: true, stages: true, tickets: true })).describe('Most recently active first.'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  })
  .meta({ id: 'CaseList' })

/**
 * The case resource's requests and answers (the building blocks are schemas.ts's):
 * a case and its statutory timeline.
 */
import { z } from 'zod'
import { CASE_STATUSES } from '../../domain/case.ts'
import { STATUTORY_DEADLINE_KEYS, STATUTORY_EXCEPTION_REASONS, STATUTORY_STAGES } from '../../domain/statutory-periods.ts'
import { STATUTORY_DEADLINE_STATES } from '../../domain/statutory-timeline.ts'
import { CalendarDateSchema } from '../../domain/input-schemas.ts'
import { NAME_MAX, SUBJECT_MAX } from '../../domain/limits.ts'
import {
  ActorField,
  AssignBody,
  CaseRefParams,
  Email,
  EnumFilter,
  EXAMPLE_PEOPLE,
  Instant,
  InstantOut,
  line,
  ListTicketsQuery,
  PersonRefSchema,
  PersonSchema,
} from './schemas.ts'

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

export const PendingCaseEnvelope = z
  .object({ case: CaseSchema, message: z.string().describe('Why the change does not show yet.') })
  .meta({ id: 'PendingCaseEnvelope' })

export const SetCaseStatusBody = z
  .strictObject({
    status: z.enum(CASE_STATUSES).describe('An open status the case may move to now; close a case with closeCase.'),
    actor: ActorField,
  })
  .describe('The case’s new status.')

export const ActorBody = z.strictObject({ actor: ActorField })

export const CaseActionSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    owner: PersonSchema.nullable(),
    dueAt: InstantOut.nullable(),
    doneAt: InstantOut.nullable(),
    overdue: z.boolean().describe('Past its due time and not done.'),
  })
  .meta({ id: 'CaseAction' })

export const CaseActionListSchema = z
  .object({ actions: z.array(CaseActionSchema).describe('Open first, by due time; then done.') })
  .meta({ id: 'CaseActionList' })

export const CaseActionParams = CaseRefParams.extend({ actionId: z.uuid() })

export const AddCaseActionBody = z
  .strictObject({
    title: line(SUBJECT_MAX, ['Chase the draft plan']),
    owner: PersonRefSchema.optional().describe('Who does it: a member of staff who may see the case.'),
    dueAt: Instant.nullable().optional().describe('When it is due; none when left out.'),
    actor: ActorField,
  })
  .describe('A next action on the case.')

export const ChangeCaseActionBody = z
  .strictObject({ dueAt: Instant.nullable().describe('The new due time; null for none.'), actor: ActorField })
  .describe('A next action’s new due time.')

export const RecordCaseStageBody = z
  .strictObject({
    stage: z.enum(STATUTORY_STAGES),
    date: z.iso
      .date({ error: 'Must be a date that exists, YYYY-MM-DD' })
      .pipe(CalendarDateSchema)
      .meta({ examples: ['2026-11-02'] })
      .describe('The day the stage began, in the organisation’s time zone.'),
    actor: ActorField,
  })
  .describe('The day a stage of the statutory timeline began: the LA deadlines that follow are counted from it.')

export const RecordDeadlineExceptionBody = z
  .strictObject({ key: z.enum(STATUTORY_DEADLINE_KEYS), reason: z.enum(STATUTORY_EXCEPTION_REASONS), actor: ActorField })
  .describe('An exception the Regulations allow to an LA deadline: it then reads `exception`, not overdue.')

export const CaseCoverSchema = z
  .object({
    id: z.uuid(),
    advocate: PersonSchema.describe('Who covers the case.'),
    startsOn: z.string().describe('Its first day, YYYY-MM-DD in the organisation’s time zone.'),
    endsOn: z.string().nullable().describe('Its last day; null: until it is ended by hand.'),
    active: z.boolean().describe('Covering today: they see the case and its tickets, reply and add notes.'),
    endedAt: InstantOut.nullable().describe('When an admin ended it by hand; null otherwise.'),
    addedBy: PersonSchema.nullable(),
    endedBy: PersonSchema.nullable(),
    createdAt: InstantOut,
  })
  .meta({ id: 'CaseCover' })

export const CaseCoverEnvelope = z.object({ cover: CaseCoverSchema }).meta({ id: 'CaseCoverEnvelope' })

export const CaseCoverListSchema = z
  .object({ covers: z.array(CaseCoverSchema).describe('Active first, then the newest.') })
  .meta({ id: 'CaseCoverList' })

export const CaseCoverParams = CaseRefParams.extend({ coverId: z.uuid() })

export const AddCaseCoverBody = z
  .strictObject({
    advocate: PersonRefSchema.describe('A member of the organisation’s staff, not the case’s own advocate.'),
    endsOn: z.iso
      .date({ error: 'Must be a date that exists, YYYY-MM-DD' })
      .pipe(CalendarDateSchema)
      .nullable()
      .optional()
      .meta({ examples: ['2026-12-14'] })
      .describe('The last day of cover, today or later in the organisation’s time zone; left out or null: until it is ended by hand.'),
    actor: ActorField.describe('An admin of the organisation. Defaults to the admin who created the API key.'),
  })
  .describe('Cover for the case while its advocate is away, from today.')

export const CreateCaseBody = z
  .strictObject({
    family: PersonRefSchema.describe('The family the case is for: a family of this organisation, by their email address.'),
    childName: line(NAME_MAX, ['Alex']).optional().describe('The child the case concerns (a family may have a case for each child).'),
    advocate: PersonRefSchema.optional().describe(
      'The advocate whose case it is: a member of staff. Defaults to the `actor`; only an admin `actor` may name someone else.',
    ),
    caseRef: CaseRefParams.shape.caseRef
      .optional()
      .describe(
        'Your case management system’s reference; without it the case is `CASE-<number>`. One a case has already is refused (422).',
      ),
    override: AssignBody.shape.override.describe(
      'Open it even though the advocate is at capacity. Only with an admin `actor`; recorded in the audit trail.',
    ),
    actor: ActorField,
  })
  .describe('A new case.')

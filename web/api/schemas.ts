/**
 * The API's requests and answers as zod schemas: the handlers parse with them
 * and the OpenAPI document is generated from them (openapi.ts), so the two
 * cannot drift. Request objects are strict (an unknown field is a 400 naming
 * it); text refuses NUL, other control characters and unpaired surrogates, which
 * PostgreSQL or a reader downstream would choke on.
 *
 * Where a rule is a refinement JSON Schema cannot see (blank after trimming, no
 * control characters, an email address, a time zone), the request schema also
 * carries the same rule as a pattern or an enum (`.meta`), so the document says
 * exactly what is accepted and a client generated from it sends valid requests
 * (schemas.test.ts holds each pair together).
 */
import { z } from 'zod'
import { defaultSlaPolicy, SLA_KINDS, SLA_STATES, slaPolicyToJson } from '../../domain/sla.ts'
import { SlaPolicySchema, TimezoneSchema, WorkingDaysSchema } from '../../domain/sla-schemas.ts'
import { PRIORITIES, ROLES, TICKET_STATUSES, TICKET_TYPES, VISIBILITIES } from '../../domain/ticket.ts'
import { MAX_ENTRY_MINUTES, TIME_KINDS } from '../../domain/durations.ts'
import { CalendarDateSchema, caseRef, EmailSchema, messageBody, requiredText } from '../../domain/input-schemas.ts'
import { CASE_REF_MAX, MESSAGE_MAX, NAME_MAX, SUBJECT_MAX, TAG_NAME_MAX } from '../../domain/limits.ts'

// ---------------------------------------------------------------------------
// Building blocks

/** What `String.prototype.trim` removes: ECMAScript's white space and line terminators. */
const TRIMMED = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff'
/**
 * The control characters requiredText refuses once it has trimmed the text: all
 * of them on one line; all but tab and line breaks over several. (It also refuses unpaired surrogates, which
 * JSON Schema validators written in Rust cannot name in a pattern, and which no
 * well-formed JSON text carries by accident.)
 */
const REFUSED = {
  line: '\\u0000-\\u001f\\u007f',
  paragraphs: '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f',
}

/**
 * requiredText's rule as a JSON Schema pattern: white space around (which it
 * trims), and between the first and last other character nothing it refuses,
 * at most `max` characters from first to last. The pattern states the limit,
 * not maxLength, which would count the white space the server trims too. (The
 * server counts a CR LF once, as it stores it; the pattern counts two, as a
 * pattern that could read it either way would take exponential time to refuse.)
 */
export function textPattern(multiline: boolean, max: number): string {
  const refused = multiline ? REFUSED.paragraphs : REFUSED.line
  const visible = `[^${refused}${TRIMMED}]`
  return `^[${TRIMMED}]*${visible}(?:[^${refused}]{0,${max - 2}}${visible})?[${TRIMMED}]*$`
}

/** A requiredText schema as the document describes it; `maxLength: undefined` drops zod's (the document is JSON). */
const documented = <T extends z.ZodType>(schema: T, options: { multiline: boolean; max: number; examples: string[] }) =>
  schema.meta({ pattern: textPattern(options.multiline, options.max), maxLength: undefined, examples: options.examples })

/** Required single-line text, trimmed. */
export function line(max: number, examples: string[]) {
  return documented(requiredText(max, { multiline: false, tooLong: `At most ${max} characters` }), { multiline: false, max, examples })
}

/** Required text that may span lines, trimmed. */
function paragraphs(max: number, examples: string[]) {
  return documented(requiredText(max, { multiline: true, tooLong: `At most ${max} characters` }), { multiline: true, max, examples })
}

export const MessageBody = documented(messageBody(), {
  multiline: true,
  max: MESSAGE_MAX,
  examples: ['We have the draft EHC plan. Can you check section F before Friday?'],
})

/** An email address as EmailSchema reads it (trimmed, lower-cased), described with the pattern it checks. */
export const Email = EmailSchema.meta({ pattern: z.regexes.email.source })

/** The people the document's examples name (tests/integration/api-fuzz.test.ts gives its organisation both). */
export const EXAMPLE_PEOPLE = { staff: 'sam.advocate@example.org', family: 'fran.family@example.org' } as const

/** An instant with its offset: `2026-05-01T09:30:00Z` or `2026-05-01T10:30:00+01:00`. */
export const Instant = z.iso
  .datetime({ offset: true, error: 'Must be an ISO 8601 date-time with a time zone, e.g. 2026-05-01T09:30:00Z' })
  .meta({ examples: ['2026-05-01T09:30:00Z'] })

const CaseRef = documented(caseRef(), { multiline: false, max: CASE_REF_MAX, examples: ['EHC-2026-0042'] }).describe(
  'The case management system’s reference for the case.',
)

export const PersonRefSchema = z
  .strictObject({ email: Email.meta({ examples: [EXAMPLE_PEOPLE.staff] }) })
  .describe('A person, by the email address they have in Caseway.')

export const ActorField = PersonRefSchema.optional().describe(
  'The member of staff making the change. Defaults to the admin who created the API key; required when the key was created without one (from the CLI).',
)

// ---------------------------------------------------------------------------
// Requests

/** A number too large for any ticket is well-formed: findTicket answers 404 for it, as for any other number not in use. */
export const TicketNumberParam = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'Must be a ticket number (a positive whole number)')
  .transform(Number)
  .meta({ examples: ['1'] })

export const TicketNumberParams = z.strictObject({ number: TicketNumberParam })

export const AttachmentParams = z.strictObject({ number: TicketNumberParam, attachmentId: z.uuid() })

export const CaseRefParams = z.strictObject({ caseRef: CaseRef })

const DepartmentSlug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, 'Must be a department slug: lowercase letters, digits and hyphens')
  .meta({ examples: ['tribunals'] })

export const CreateTicketBody = z
  .strictObject({
    requester: z
      .strictObject({ email: Email.meta({ examples: [EXAMPLE_PEOPLE.family] }), name: line(NAME_MAX, ['Fran Family']) })
      .describe('The family the ticket is for. A new email address gets an account (the name is used only then).'),
    subject: line(SUBJECT_MAX, ['EHC plan draft: section F is vague']),
    body: MessageBody.describe('The family’s request: the ticket’s first message.'),
    type: z.enum(TICKET_TYPES),
    priority: z.enum(PRIORITIES).optional().describe('Without it, the template’s priority, or else `normal`.'),
    templateId: z
      .uuid()
      .optional()
      .describe(
        'One of the organisation’s ticket templates (listTemplates): the ticket takes its checklist and tags. Without it, the default template of the ticket’s type, if any.',
      ),
    department: DepartmentSlug.optional().describe(
      'The slug or id of one of the organisation’s active departments (teams, listed by listDepartments); without it, the organisation’s default department.',
    ),
    childName: line(NAME_MAX, ['Alex']).optional(),
    externalRef: line(200, ['CRM-10042']).optional().describe('Your own reference for this ticket, kept and returned as it is.'),
    caseRef: CaseRef.optional().describe('Links the ticket to a case from the start.'),
  })
  .describe('A new ticket.')

/** A tag by its name, in any case or spacing: "welsh la" is the tag "Welsh LA". */
const TagName = line(TAG_NAME_MAX, ['Tribunal prep'])

export const TicketTagParams = z.strictObject({ number: TicketNumberParam, tag: TagName })

export const AddTagBody = z.strictObject({ name: TagName, actor: ActorField }).describe('A tag to put on the ticket.')

export const RemoveTagQuery = z.strictObject({
  actor: Email.meta({ examples: [EXAMPLE_PEOPLE.staff] })
    .optional()
    .describe('The email address of the member of staff taking the tag off. Defaults to the admin who created the API key.'),
})

const Minutes = z.int().min(1).max(MAX_ENTRY_MINUTES).describe(`Whole minutes, 1 to ${MAX_ENTRY_MINUTES}.`)
// A calendar date (format: date), so the document refuses 31 June as the parser does.
const Day = z.iso
  .date({ error: 'Must be a date that exists, YYYY-MM-DD' })
  .pipe(CalendarDateSchema)
  .meta({ examples: ['2026-12-01'] })
  .describe('The day the work was done (YYYY-MM-DD).')
const TimeNote = z
  .string()
  .max(500)
  .regex(new RegExp(`^[^${REFUSED.paragraphs}]*$`), 'Must not contain control characters')
  .nullable()
  .describe('What the time was for; blank or null for none.')

export const TimeEntryParams = z.strictObject({ number: TicketNumberParam, id: z.uuid() })

export const CreateTimeEntryBody = z
  .strictObject({
    minutes: Minutes,
    workedOn: Day,
    kind: z.enum(TIME_KINDS),
    note: TimeNote.optional(),
    actor: ActorField.describe('The member of staff whose time it is. Defaults to the admin who created the API key.'),
  })
  .describe('Time spent on the ticket.')

export const UpdateTimeEntryBody = z
  .strictObject({
    minutes: Minutes.optional(),
    workedOn: Day.optional(),
    kind: z.enum(TIME_KINDS).optional(),
    note: TimeNote.optional(),
    actor: ActorField.describe('Who changes it: the entry’s author or an admin. Defaults to the admin who created the API key.'),
  })
  .describe('The fields to change.')

export const TimeEntryActorQuery = z.strictObject({
  actor: Email.meta({ examples: [EXAMPLE_PEOPLE.staff] })
    .optional()
    .describe('Who deletes it: the entry’s author or an admin. Defaults to the admin who created the API key.'),
})

export const EnumFilter = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values).optional()

export const LIST_LIMIT_MAX = 100

export const ListTicketsQuery = z.strictObject({
  status: EnumFilter(TICKET_STATUSES),
  slaState: EnumFilter(SLA_STATES),
  assignee: z
    .union([z.literal('none'), Email.meta({ examples: [EXAMPLE_PEOPLE.staff] })])
    .optional()
    .describe('An assignee’s email address, or `none` for unassigned tickets.'),
  type: EnumFilter(TICKET_TYPES),
  priority: EnumFilter(PRIORITIES),
  tag: TagName.optional().describe('Only tickets with this tag (by name, in any case).'),
  updatedSince: Instant.optional().describe('Only tickets updated at or after this instant.'),
  q: line(200, ['occupational therapy'])
    .optional()
    .describe(
      'Words to search for (each may be the start of a word): the subject, child, case reference, family’s name, tags, ' +
        'a ticket number, and what was said in messages and internal notes. Combines with the other filters.',
    ),
  cursor: z.string().max(500).optional().describe('`nextCursor` from the previous page.'),
  // 1 to 100, up to three digits with leading zeros: the pattern says it all, so the document does too.
  limit: z
    .string()
    .regex(/^(?:0{0,2}[1-9]|0?[1-9]\d|100)$/, `Must be a whole number from 1 to ${LIST_LIMIT_MAX}`)
    .transform(Number)
    .optional()
    .describe(`Page size, 1 to ${LIST_LIMIT_MAX}; default 50.`),
})

export const PostMessageBody = z.strictObject({
  author: PersonRefSchema.describe('The ticket’s family, or a member of the organisation’s staff.'),
  body: MessageBody,
  visibility: z.enum(VISIBILITIES).default('public').describe('`internal` notes are for staff only.'),
})

export const ChangeStatusBody = z
  .strictObject({
    status: z.enum(TICKET_STATUSES),
    reason: paragraphs(500, ['The family sent the missing letter.'])
      .optional()
      .describe('Why, in words the family may see on the timeline.'),
    laDeadline: Instant.optional().describe('Only with `pending_la`: when the local authority must answer by.'),
    force: z
      .boolean()
      .optional()
      .describe(
        'Resolve even though the ticket’s checklist has items not done yet or it has open tasks (refused with 409 `checklist_incomplete` or `tasks_open` otherwise).',
      ),
    actor: ActorField,
  })
  // The ticket rules refuse a deadline with any other status (422); the document says so.
  .meta({ dependentSchemas: { laDeadline: { properties: { status: { const: 'pending_la' } } } } })

export const AssignBody = z.strictObject({
  assignee: PersonRefSchema.describe('A member of the organisation’s staff.'),
  actor: ActorField,
  override: z
    .boolean()
    .optional()
    .describe(
      'Assign even though the assignee is at capacity (when the assignment would open a new case for them). Only with an admin `actor`; recorded in the audit trail.',
    ),
})

export const ChangePriorityBody = z.strictObject({ priority: z.enum(PRIORITIES), actor: ActorField })

export const ChangeDepartmentBody = z.strictObject({
  department: DepartmentSlug.describe('The slug of one of the organisation’s active departments: the ticket moves there.'),
  actor: ActorField,
})

export const LinkCaseBody = z.strictObject({
  caseRef: CaseRef.nullable().describe('The case to link, or null to unlink.'),
  actor: PersonRefSchema.optional().describe('The member of staff making the change, if any.'),
})

export const LaResponseBody = z.strictObject({
  note: MessageBody.optional().describe('What the local authority said: kept as an internal note.'),
  receivedAt: Instant.optional().describe('When the response arrived; recorded with the note.'),
  actor: PersonRefSchema.optional().describe(
    'The member of staff recording it. The note needs an author: this, or the admin who created the key.',
  ),
})

export const PutSlaPolicyQuery = z.strictObject({
  applyToOpenTickets: z
    .enum(['true', 'false'])
    .optional()
    .describe('`true` also applies the new policy to every open ticket; otherwise it applies to tickets created from now on.'),
})

export const SlaPolicyBody = SlaPolicySchema.meta({ examples: [slaPolicyToJson(defaultSlaPolicy())] })

/**
 * Refinements of the shared schemas in domain/ that JSON Schema cannot see, as
 * keywords openapi.ts adds to their request schemas. The zones are those this
 * server's ICU knows; TimezoneSchema also takes their aliases, which the document
 * leaves unsaid.
 */
export const DOCUMENTED_REFINEMENTS = new Map<object, Record<string, unknown>>([
  [TimezoneSchema, { enum: [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])], examples: ['Europe/London'] }],
  [WorkingDaysSchema, { uniqueItems: true, examples: [[1, 2, 3, 4, 5]] }],
])

/** Idempotency-Key: printable ASCII, as Stripe and the IETF draft use it. */
export const IdempotencyKeyHeader = z
  .string()
  .regex(/^[\x21-\x7E]{1,255}$/, 'Must be 1 to 255 printable ASCII characters (a UUID is a good choice)')

// ---------------------------------------------------------------------------
// Answers

export const InstantOut = z.iso.datetime()
const Nullable = <T extends z.ZodType>(schema: T) => schema.nullable()

export const PersonSchema = z.object({ email: z.string(), name: z.string() }).meta({ id: 'Person' })

export const SlaTargetSchema = z
  .object({ kind: z.enum(SLA_KINDS), dueAt: Nullable(InstantOut).describe('Null while paused or once met.'), state: z.enum(SLA_STATES) })
  .meta({ id: 'SlaTarget' })

export const TicketSchema = z
  .object({
    number: z.int().describe('The organisation’s own ticket number, used in paths.'),
    subject: z.string(),
    type: z.enum(TICKET_TYPES),
    priority: z.enum(PRIORITIES),
    status: z.enum(TICKET_STATUSES),
    awaiting: Nullable(z.enum(['staff', 'family'])).describe('Who the ticket waits on; null once resolved or closed.'),
    assignee: Nullable(PersonSchema),
    requester: PersonSchema,
    department: Nullable(z.string()).describe('Department slug.'),
    childName: Nullable(z.string()),
    caseRef: Nullable(z.string()),
    externalRef: Nullable(z.string()),
    tags: z.array(z.string()).describe('The team’s tags on it, A to Z.'),
    followUpOf: Nullable(z.int()).describe('The number of the closed ticket this one follows up.'),
    createdAt: InstantOut,
    updatedAt: InstantOut.describe('Last activity on the ticket.'),
    sla: Nullable(
      z.object({
        state: z.enum(SLA_STATES).describe('The worst running target; `paused` while waiting on someone else; `met` when none runs.'),
        dueAt: Nullable(InstantOut).describe('The earliest due time of the running targets.'),
        targets: z.array(SlaTargetSchema),
      }),
    ).describe('Null only for a moment after creation, until the ticket has loaded its organisation’s SLA policy.'),
    pendingSince: Nullable(InstantOut),
    laDeadline: Nullable(InstantOut),
    laOverdue: z.boolean(),
    resolvedAt: Nullable(InstantOut),
    reopenUntil: Nullable(InstantOut).describe('Resolved: until when the family may reopen it.'),
    autoCloseAt: Nullable(InstantOut).describe('Pending family: when it closes without a reply.'),
    closedAt: Nullable(InstantOut),
    closeReason: Nullable(z.string()),
  })
  .meta({ id: 'Ticket' })

export const TagSchema = z.object({ name: z.string() }).meta({ id: 'Tag' })

export const TicketTagsSchema = z
  .object({
    tag: TagSchema.describe('The tag the request named, as the organisation spells it.'),
    tags: z.array(z.string()).describe('The ticket’s tags afterwards, A to Z.'),
  })
  .meta({ id: 'TicketTags' })

export const TagListSchema = z
  .object({ tags: z.array(z.object({ name: z.string(), tickets: z.int().describe('How many tickets carry it.') })) })
  .meta({ id: 'TagList' })

export const TemplateListSchema = z
  .object({
    templates: z.array(
      z.object({
        id: z.uuid().describe('Send it as `templateId` when creating a ticket.'),
        type: z.enum(TICKET_TYPES),
        name: z.string(),
        isDefault: z.boolean().describe('The template new tickets of its type take when they name none.'),
        priority: z.enum(PRIORITIES).nullable().describe('The priority a ticket made from it starts with, unless the request gives one.'),
        tags: z.array(z.string()),
        checklist: z
          .array(z.object({ title: z.string(), staffOnly: z.boolean() }))
          .describe('The steps a ticket made from it starts with, in order.'),
      }),
    ),
  })
  .meta({ id: 'TemplateList' })

export const TimeEntrySchema = z
  .object({
    id: z.uuid(),
    person: PersonSchema,
    minutes: z.int(),
    workedOn: z.string().describe('YYYY-MM-DD.'),
    kind: z.enum(TIME_KINDS),
    note: Nullable(z.string()),
    createdAt: InstantOut,
    updatedAt: InstantOut,
  })
  .meta({ id: 'TimeEntry' })

export const TimeEntryEnvelope = z.object({ timeEntry: TimeEntrySchema }).meta({ id: 'TimeEntryEnvelope' })

export const TimeEntryDeletedSchema = z.object({ id: z.uuid(), deleted: z.literal(true) }).meta({ id: 'TimeEntryDeleted' })

export const TimeEntryListSchema = z
  .object({
    timeEntries: z.array(TimeEntrySchema).describe('The latest day first.'),
    totalMinutes: z.int(),
  })
  .meta({ id: 'TimeEntryList' })

export const TicketEnvelope = z.object({ ticket: TicketSchema }).meta({ id: 'TicketEnvelope' })

export const PendingTicketEnvelope = z
  .object({
    ticket: TicketSchema.describe('As last saved: the change may not show yet.'),
    message: z.string(),
  })
  .meta({ id: 'PendingTicketEnvelope' })

export const PassagePieceSchema = z
  .object({ text: z.string(), matched: z.boolean().describe('One of the searched words.') })
  .meta({ id: 'PassagePiece' })

export const TicketListSchema = z
  .object({
    tickets: z
      .array(
        TicketSchema.extend({
          passage: Nullable(z.array(PassagePieceSchema))
            .optional()
            .describe(
              'With `q`: a short passage of the newest message or internal note that has the words, as pieces, ' +
                'the matched ones marked; null when the ticket matched by something else.',
            ),
        }).meta({ id: 'TicketListItem' }),
      )
      .describe('Oldest update first.'),
    nextCursor: Nullable(z.string()).describe('Pass as `cursor` for the next page; null on the last page.'),
  })
  .meta({ id: 'TicketList' })

export const AttachmentSchema = z
  .object({
    id: z.uuid(),
    filename: z.string(),
    contentType: z.string().describe('Decided by the server from the file’s kind, not taken from the upload.'),
    size: z.int().describe('Bytes.'),
    url: z.string().describe('Where to download it, with the same API key.'),
  })
  .meta({ id: 'Attachment' })

export const MessageSchema = z
  .object({
    id: z.uuid(),
    author: z.object({ email: z.string(), name: z.string(), role: z.enum(ROLES) }),
    body: z.string(),
    visibility: z.enum(VISIBILITIES),
    attachments: z.array(AttachmentSchema),
    createdAt: InstantOut,
  })
  .meta({ id: 'Message' })

export const MessageListSchema = z.object({ messages: z.array(MessageSchema).describe('Oldest first.') }).meta({ id: 'MessageList' })

export const MessageCreatedSchema = z.object({ message: MessageSchema, ticket: TicketSchema }).meta({ id: 'MessageCreated' })

export const CaseClosedSchema = z
  .object({ resolved: z.array(z.int()).describe('The numbers of the open tickets the closure was sent to.') })
  .meta({ id: 'CaseClosed' })

export const SlaPolicyOut = SlaPolicySchema.meta({ id: 'SlaPolicy' })

export const DepartmentListSchema = z
  .object({
    departments: z.array(
      z.object({
        id: z.uuid(),
        slug: z.string(),
        name: z.string(),
        archived: z.boolean().describe('Archived departments take no new tickets.'),
        isDefault: z.boolean().describe('Where a ticket created without `department` goes.'),
      }),
    ),
  })
  .meta({ id: 'DepartmentList' })

export const SlaPolicyEnvelope = z
  .object({ policy: SlaPolicyOut, isDefault: z.boolean().describe('True until the organisation saves its own policy.') })
  .meta({ id: 'SlaPolicyEnvelope' })

export const SlaPolicySavedSchema = z
  .object({
    policy: SlaPolicyOut,
    appliedTo: z.array(z.int()).describe('With applyToOpenTickets=true: the open tickets told to take the new policy.'),
  })
  .meta({ id: 'SlaPolicySaved' })

export type TicketJson = z.output<typeof TicketSchema>
export type MessageJson = z.output<typeof MessageSchema>

/** Bulk changes over HTTP: what POST /tickets/bulk takes and what a job answers. */
import { z } from 'zod'
import { BULK_ITEM_OUTCOMES, BULK_MAX_TICKETS, BULK_STATUSES } from '../../domain/bulk-changes.ts'
import { TAG_NAME_MAX } from '../../domain/limits.ts'
import { PRIORITIES } from '../../domain/ticket.ts'
import { ActorField, InstantOut, line, PersonRefSchema } from './schemas.ts'

const TicketNumberItem = z
  .int()
  .min(1)
  .max(2_147_483_647)
  .meta({ examples: [1] })

const BulkActionBody = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('status'), status: z.enum(BULK_STATUSES) }),
    z.strictObject({ kind: z.literal('priority'), priority: z.enum(PRIORITIES) }),
    z.strictObject({ kind: z.literal('assign'), assignee: PersonRefSchema.describe('The member of staff to assign each ticket to.') }),
    z.strictObject({ kind: z.literal('tag'), name: line(TAG_NAME_MAX, ['Tribunal prep']) }),
  ])
  .describe('The one change made to every ticket.')

export const BulkChangeBody = z
  .strictObject({
    tickets: z
      .array(TicketNumberItem)
      .min(1)
      .max(BULK_MAX_TICKETS)
      .describe(`The numbers of the tickets to change, 1 to ${BULK_MAX_TICKETS} (a number given twice counts once).`),
    action: BulkActionBody,
    actor: ActorField,
  })
  .describe('One change for many tickets.')

export const BulkJobParams = z.strictObject({ jobId: z.uuid().meta({ examples: ['0b7d3c1e-5a4f-4c8e-9a51-2f0c6d1e7a42'] }) })

const BulkActionOut = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('status'), status: z.enum(BULK_STATUSES) }),
    z.object({ kind: z.literal('priority'), priority: z.enum(PRIORITIES) }),
    z.object({ kind: z.literal('assign'), assignee: z.object({ email: z.string().nullable() }) }),
    z.object({ kind: z.literal('tag'), name: z.string() }),
  ])
  .describe('The change asked of every ticket.')

export const BulkJobSchema = z.object({
  id: z.uuid(),
  state: z.enum(['running', 'finished']).describe('`finished` once every ticket has its outcome.'),
  action: BulkActionOut,
  total: z.int(),
  succeeded: z.int(),
  refused: z.int(),
  failed: z.int(),
  createdAt: InstantOut,
  finishedAt: InstantOut.nullable(),
})

export const BulkJobEnvelope = z.object({ job: BulkJobSchema })

export const BulkJobReportEnvelope = z.object({
  job: BulkJobSchema.extend({
    items: z
      .array(
        z.object({
          ticket: z.int().describe('The ticket’s number.'),
          outcome: z
            .enum(BULK_ITEM_OUTCOMES)
            .describe('`pending` until its change was tried; `refused` says the single change’s rule in `reason`.'),
          reason: z.string().nullable(),
        }),
      )
      .describe('Each ticket’s outcome, by ticket number.'),
  }),
})

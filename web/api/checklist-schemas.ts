/** The schemas of the checklist operations (checklist.ts). */
import { z } from 'zod'
import { CHECKLIST_TITLE_MAX } from '../../domain/limits.ts'
import { ActorField, Email, EXAMPLE_PEOPLE, InstantOut, line, TicketNumberParam } from './schemas.ts'

const Title = line(CHECKLIST_TITLE_MAX, ['Ask the school for the SENCo report'])

export const ChecklistItemParams = z.strictObject({ number: TicketNumberParam, itemId: z.uuid() })

export const AddChecklistItemBody = z
  .strictObject({
    title: Title,
    staffOnly: z.boolean().default(false).describe('Hidden from the family; they see every other item and its state.'),
    notifyFamily: z
      .boolean()
      .default(false)
      .describe('Tell the family of the new step (in the portal and by email, per their mail preferences). Ignored for a staff-only item.'),
    actor: ActorField,
  })
  .describe('A step to add at the end of the ticket’s checklist.')

export const ChangeChecklistItemBody = z
  .strictObject({
    title: Title.optional(),
    done: z.boolean().optional().describe('Tick (true) or untick (false) the item.'),
    staffOnly: z.boolean().optional(),
    notifyFamily: z
      .boolean()
      .default(false)
      .describe(
        'When this request ticks the item, tell the family (in the portal and by email, per their mail preferences); once per item. Ignored for a staff-only item.',
      ),
    actor: ActorField,
  })
  .describe('What to change about the item; what is left out stays as it is.')

export const ChecklistActorQuery = z.strictObject({
  actor: Email.meta({ examples: [EXAMPLE_PEOPLE.staff] })
    .optional()
    .describe('The email address of the member of staff making the change. Defaults to the admin who created the API key.'),
})

export const ChecklistItemSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    position: z.int().describe('0 for the first item.'),
    staffOnly: z.boolean(),
    done: z.boolean(),
    doneAt: InstantOut.nullable(),
    doneBy: z.string().nullable().describe('The name of who ticked it.'),
  })
  .meta({ id: 'ChecklistItem' })

export const ChecklistSchema = z
  .object({
    items: z.array(ChecklistItemSchema).describe('In order.'),
    progress: z.object({ done: z.int(), total: z.int() }),
  })
  .meta({ id: 'Checklist' })

export const ChecklistItemEnvelope = z
  .object({ item: ChecklistItemSchema, checklist: ChecklistSchema })
  .meta({ id: 'ChecklistItemEnvelope' })

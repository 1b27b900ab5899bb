/** The schemas of the related-tickets operations (related.ts). */
import { z } from 'zod'
import { TICKET_STATUSES } from '../../domain/ticket.ts'
import { ActorField, Email, EXAMPLE_PEOPLE, InstantOut, TicketNumberParam } from './schemas.ts'

export const RelatedTicketParams = z.strictObject({ number: TicketNumberParam, other: TicketNumberParam })

export const LinkTicketBody = z
  .strictObject({
    ticket: z
      .int()
      .positive()
      .max(2_147_483_647)
      .describe('The number of the other ticket.')
      .meta({ examples: [2] }),
    actor: ActorField,
  })
  .describe('A ticket of the organisation to relate to this one.')

export const RelatedActorQuery = z.strictObject({
  actor: Email.meta({ examples: [EXAMPLE_PEOPLE.staff] })
    .optional()
    .describe(
      'The email address of the member of staff asking: they see only the tickets they would in the portal. Defaults to the admin who created the API key.',
    ),
})

export const RelatedTicketSchema = z
  .object({
    number: z.int(),
    subject: z.string(),
    status: z.enum(TICKET_STATUSES),
    relation: z
      .enum(['linked', 'follow_up_of', 'followed_up_by'])
      .describe('`linked` by someone; `follow_up_of`: this ticket follows the other up; `followed_up_by`: the other follows this one up.'),
    linkedAt: InstantOut.nullable().describe('When it was linked; null for a follow-up.'),
  })
  .meta({ id: 'RelatedTicket' })

export const RelatedTicketsSchema = z
  .object({ related: z.array(RelatedTicketSchema).describe('By number. Only the tickets the actor may see.') })
  .meta({ id: 'RelatedTickets' })

/** The forms of Settings → Templates, checked before the service sees them. */
import { z } from 'zod'
import { checklistTitle, tagName, templateName } from '../../../domain/input-schemas.ts'
import { TEMPLATE_ITEMS_MAX, TEMPLATE_TAGS_MAX } from '../../../domain/limits.ts'
import { parseTemplateSteps } from '../../../domain/templates.ts'
import { PRIORITIES, TICKET_TYPES } from '../../../domain/ticket.ts'

const TemplateId = z.uuid({ error: 'Unknown template' })
const ItemId = z.uuid({ error: 'Unknown step' })
/** "No default priority" is the empty choice. */
const Priority = z
  .union([z.literal(''), z.enum(PRIORITIES, { error: 'Choose a priority from the list' })])
  .optional()
  .transform((v) => (v ? v : null))
/** Tags, comma-separated, each a tag name; a repeat in any case is dropped, the first spelling kept. */
const Tags = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').filter((t) => t.trim()))
  .pipe(z.array(tagName()).max(TEMPLATE_TAGS_MAX, `At most ${TEMPLATE_TAGS_MAX} tags`))
  .transform((tags) => tags.filter((tag, i) => tags.findIndex((t) => t.toLowerCase() === tag.toLowerCase()) === i))
/** One step a line; "staff:" before a step keeps it from the family. */
const Steps = z
  .string()
  .optional()
  .transform((v) => parseTemplateSteps(v ?? ''))
  .pipe(
    z.array(z.object({ title: checklistTitle(), staffOnly: z.boolean() })).max(TEMPLATE_ITEMS_MAX, `At most ${TEMPLATE_ITEMS_MAX} steps`),
  )
const Details = { name: templateName(), priority: Priority, tags: Tags }

export const TemplateActionSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({
      intent: z.literal('create-template'),
      type: z.enum(TICKET_TYPES, { error: 'Choose the type of ticket' }),
      ...Details,
      steps: Steps,
    }),
    z.object({ intent: z.literal('edit-template'), templateId: TemplateId, ...Details }),
    z.object({ intent: z.literal('set-default'), templateId: TemplateId }),
    z.object({ intent: z.literal('delete-template'), templateId: TemplateId }),
    z.object({
      intent: z.literal('add-item'),
      templateId: TemplateId,
      title: checklistTitle(),
      staffOnly: z
        .literal('1', { error: 'Tick the box or leave it' })
        .optional()
        .transform((v) => v === '1'),
    }),
    z.object({ intent: z.literal('move-item'), templateId: TemplateId, itemId: ItemId, direction: z.enum(['up', 'down']) }),
    z.object({ intent: z.literal('item-staff-only'), templateId: TemplateId, itemId: ItemId, staffOnly: z.enum(['1', '0']) }),
    z.object({ intent: z.literal('remove-item'), templateId: TemplateId, itemId: ItemId }),
  ],
  { error: 'Unknown action' },
)
export type TemplateAction = z.infer<typeof TemplateActionSchema>

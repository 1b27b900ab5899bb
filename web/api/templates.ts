/**
 * The organisation's ticket templates over HTTP, read-only: an integration
 * picks one by id when it creates a ticket (`templateId`). Admins keep them in
 * the portal (Settings → Templates).
 */
import { organisationTemplates } from '../../services/ticket-templates.server.ts'
import { defineRoute } from './route.ts'
import { TemplateListSchema } from './schemas.ts'

const listTemplatesRoute = defineRoute({
  method: 'get',
  path: '/templates',
  operationId: 'listTemplates',
  tag: 'Settings',
  summary: 'List the organisation’s ticket templates',
  description:
    'Every template, by type then name, with its checklist steps in order, its default priority and tags. ' +
    'Exactly one template of each type that has any is the default: a new ticket of that type without `templateId` takes it.',
  responses: { 200: { description: 'The templates.', schema: TemplateListSchema } },
  errors: { 400: ['invalid_request'] },
  async handle(ctx) {
    const templates = await organisationTemplates(ctx.db, ctx.principal.orgId)
    return {
      status: 200,
      body: {
        templates: templates.map((t) => ({
          id: t.id,
          type: t.type,
          name: t.name,
          isDefault: t.isDefault,
          priority: t.priority,
          tags: t.tags,
          checklist: t.items.map((i) => ({ title: i.title, staffOnly: i.staffOnly })),
        })),
      },
    }
  },
})

export const templateRoutes = [listTemplatesRoute]

/**
 * Ticket templates in words: what each audited change says in the settings
 * page's recent changes, and on a ticket's timeline when one is applied. Pure.
 */

export const TEMPLATE_ACTIONS = [
  'template.created',
  'template.edited',
  'template.default_set',
  'template.deleted',
  'template.item_added',
  'template.item_moved',
  'template.item_staff_only_changed',
  'template.item_removed',
  'template.applied',
] as const
export type TemplateAction = (typeof TEMPLATE_ACTIONS)[number]

/** What a change did, after who did it: "added “Request the draft” to the template “EHCP request”". */
export function describeTemplateChange(action: TemplateAction, data: Record<string, unknown>): string {
  const template = `the template “${String(data.name ?? '')}”`
  const item = `“${String(data.title ?? '')}”`
  switch (action) {
    case 'template.created':
      return `made ${template}`
    case 'template.edited':
      return `changed ${template}`
    case 'template.default_set':
      return `made ${template} the default for its type`
    case 'template.deleted':
      return `deleted ${template}`
    case 'template.item_added':
      return `added ${item} to ${template}`
    case 'template.item_moved':
      return `moved ${item} ${data.direction === 'up' ? 'up' : 'down'} in ${template}`
    case 'template.item_staff_only_changed':
      return data.staffOnly ? `made ${item} of ${template} staff only` : `showed ${item} of ${template} to families`
    case 'template.item_removed':
      return `removed ${item} from ${template}`
    case 'template.applied': {
      const added = Number(data.items ?? 0)
      return `applied ${template} (${added} checklist ${added === 1 ? 'item' : 'items'} added)`
    }
  }
}

/** "Lines, one step each": a textarea's steps, blank lines dropped, "staff:" marking a staff-only one. */
export function parseTemplateSteps(text: string): { title: string; staffOnly: boolean }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const staffOnly = /^staff:/i.test(line)
      return { title: staffOnly ? line.slice('staff:'.length).trim() : line, staffOnly }
    })
    .filter((step) => step.title)
}

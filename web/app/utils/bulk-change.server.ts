/**
 * The queue's change bar, server side: the changes a person may offer (a
 * member of staff assigns only to themselves, as on a ticket), and reading the
 * bar's form into ticket numbers and one change, with the permission each needs.
 */
import { z } from 'zod'
import { BULK_MAX_TICKETS, BULK_STATUSES, type BulkAction } from '../../../domain/bulk-changes.ts'
import { tagName } from '../../../domain/input-schemas.ts'
import { PRIORITIES, PRIORITY_LABELS, type Role } from '../../../domain/ticket.ts'
import type { Db } from '../../../lib/db.ts'
import type { ChangeChoices } from '../components/bulk-change-bar.tsx'
import { staffStatusLabel } from './format.ts'
import { roleHasPermission, type Permission } from './permissions.ts'

export async function bulkChangeChoices(
  db: Db,
  input: { orgId: string; user: { id: string; name: string }; role: Role },
): Promise<ChangeChoices> {
  const team = roleHasPermission(input.role, 'assign:ticket:any')
    ? await db.membership.findMany({
        where: { orgId: input.orgId, role: { in: ['staff', 'admin'] } },
        orderBy: { user: { name: 'asc' } },
        select: { user: { select: { id: true, name: true } } },
      })
    : [{ user: input.user }]
  return {
    statuses: BULK_STATUSES.map((s) => ({ value: s, label: staffStatusLabel(s) })),
    priorities: PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] })),
    assignees: team.map(({ user }) => ({ value: user.id, label: user.id === input.user.id ? `${user.name} (you)` : user.name })),
  }
}

const TicketNumber = z.coerce.number().int().positive().max(2_147_483_647)

const ChangeSchema = z.union([
  z.templateLiteral(['status:', z.enum(BULK_STATUSES)]),
  z.templateLiteral(['priority:', z.enum(PRIORITIES)]),
  z.templateLiteral(['assign:', z.uuid()]),
  z.literal('tag'),
])

export const BulkFormSchema = z
  .object({
    ticket: z.array(TicketNumber).default([]),
    pageTicket: z.array(TicketNumber).default([]),
    allOnPage: z.literal('yes').optional(),
    change: ChangeSchema,
    tag: z.string().optional(),
  })
  .transform((form, ctx) => {
    const numbers = form.allOnPage ? form.pageTicket : form.ticket
    if (numbers.length === 0) ctx.addIssue({ code: 'custom', path: ['ticket'], message: 'Choose at least one ticket.' })
    if (numbers.length > BULK_MAX_TICKETS)
      ctx.addIssue({ code: 'custom', path: ['ticket'], message: `Choose at most ${BULK_MAX_TICKETS} tickets.` })
    const [kind, value] = form.change.split(':') as [BulkAction['kind'], string | undefined]
    let action: BulkAction
    if (kind === 'tag') {
      const name = tagName('Name the tag to add').safeParse(form.tag ?? '')
      if (!name.success) {
        ctx.addIssue({ code: 'custom', path: ['tag'], message: name.error.issues[0]?.message ?? 'Name the tag to add' })
        return z.NEVER
      }
      action = { kind, name: name.data }
    } else if (kind === 'status') action = { kind, status: value as (typeof BULK_STATUSES)[number] }
    else if (kind === 'priority') action = { kind, priority: value as (typeof PRIORITIES)[number] }
    else action = { kind, assigneeId: value! }
    return { numbers, action }
  })

/** The form's fields as the schema reads them (repeated fields as lists). */
export function bulkFormFields(formData: FormData) {
  return {
    ticket: formData.getAll('ticket'),
    pageTicket: formData.getAll('pageTicket'),
    allOnPage: formData.get('allOnPage') ?? undefined,
    change: formData.get('change'),
    tag: formData.get('tag') ?? undefined,
  }
}

/** The permission the change needs, as the same change on one ticket does. */
export function permissionFor(action: BulkAction, actorId: string): Permission {
  switch (action.kind) {
    case 'status':
      return 'change-status:ticket:org'
    case 'priority':
      return 'change-priority:ticket:org'
    case 'assign':
      return action.assigneeId === actorId ? 'assign:ticket:self' : 'assign:ticket:any'
    case 'tag':
      return 'tag:ticket:org'
  }
}

/**
 * The lines a ticket's timeline gains from its plain records: tags put on or
 * taken off, time logged, related tickets linked or unlinked, checklist items and tasks changed, read from the audit records their services write. The workflow's
 * own TicketEvent rows are its history; these are merged beside them in the view.
 */
import { CHECKLIST_ACTIONS, describeChecklistChange, type ChecklistAction } from '../domain/checklists.ts'
import { formatMinutes, TIME_KIND_LABELS, type TimeKind } from '../domain/durations.ts'
import { describeTemplateChange } from '../domain/templates.ts'
import { describeTaskChange, TASK_ACTIONS, type TaskAction } from '../domain/tasks.ts'
import { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import type { AuditAction } from './audit.server.ts'

const TICKET_ACTIONS = [
  'tag.added',
  'tag.removed',
  'time.logged',
  'time.edited',
  'time.deleted',
  // Written once for each ticket of the pair (ticket-links.server.ts), so both timelines show it.
  'ticket.linked',
  'ticket.unlinked',
  ...CHECKLIST_ACTIONS,
  'template.applied',
  ...TASK_ACTIONS,
] as const satisfies readonly AuditAction[]

export interface HistoryLine {
  id: string
  at: Date
  text: string
}

type AuditRow = { id: string; action: string; data: Record<string, unknown>; createdAt: Date; via: string; actor: string | null }

export async function ticketHistory(db: Db, ticket: { id: string; orgId: string }): Promise<HistoryLine[]> {
  // The expression matches AuditEvent_ticket_idx (migrations/20261208500000_tags), or it would not be used.
  const rows = await db.$queryRaw<AuditRow[]>`
    SELECT e."id", e."action", e."data", e."createdAt", e."via", u."name" AS "actor"
    FROM "AuditEvent" e LEFT JOIN "User" u ON u."id" = e."actorId"
    WHERE e."data" ? 'ticketId' AND e."data"->>'ticketId' = ${ticket.id} AND e."orgId" = ${ticket.orgId}::uuid
      AND e."action" IN (${Prisma.join(TICKET_ACTIONS)})
    ORDER BY e."createdAt", e."id"`
  return lines(rows)
}

/** The task changes of a case (its next actions' owners, statuses, tickets), for the case's timeline. */
export async function caseTaskHistory(db: Db, kase: { id: string; orgId: string }): Promise<HistoryLine[]> {
  // The expression matches AuditEvent_case_idx (migrations/20261210400000_tasks).
  const rows = await db.$queryRaw<AuditRow[]>`
    SELECT e."id", e."action", e."data", e."createdAt", e."via", u."name" AS "actor"
    FROM "AuditEvent" e LEFT JOIN "User" u ON u."id" = e."actorId"
    WHERE e."data" ? 'caseId' AND e."data"->>'caseId' = ${kase.id} AND e."orgId" = ${kase.orgId}::uuid
      AND e."action" IN (${Prisma.join(TASK_ACTIONS)})
    ORDER BY e."createdAt", e."id"`
  return lines(rows)
}

function lines(rows: AuditRow[]): HistoryLine[] {
  return rows.map((row) => ({
    id: row.id,
    at: row.createdAt,
    text: describe(row.action, row.data, row.actor ?? (row.via === 'api' ? 'An API key' : 'An operator')),
  }))
}

function describe(action: string, data: Record<string, unknown>, who: string): string {
  if ((CHECKLIST_ACTIONS as readonly string[]).includes(action)) return `${who} ${describeChecklistChange(action as ChecklistAction, data)}`
  // A new ticket takes its template by itself: nobody applied it.
  if (action === 'template.applied')
    return data.onCreation ? `Made from the template “${String(data.name ?? '')}”` : `${who} ${describeTemplateChange(action, data)}`
  if ((TASK_ACTIONS as readonly string[]).includes(action)) return `${who} ${describeTaskChange(action as TaskAction, data)}`
  const name = String(data.name ?? '')
  const time = formatMinutes(Number(data.minutes ?? 0))
  const kind = typeof data.kind === 'string' && data.kind in TIME_KIND_LABELS ? TIME_KIND_LABELS[data.kind as TimeKind].toLowerCase() : ''
  switch (action) {
    case 'tag.added':
      return `${who} tagged it ${name}`
    case 'tag.removed':
      return `${who} removed the tag ${name}`
    case 'time.logged':
      return `${who} logged ${time}${kind ? ` (${kind})` : ''}`
    case 'time.edited':
      return `${who} changed a time entry to ${time}`
    case 'ticket.linked':
      return `${who} linked it to ticket #${Number(data.otherNumber)}`
    case 'ticket.unlinked':
      return `${who} unlinked ticket #${Number(data.otherNumber)}`
    default:
      return `${who} deleted ${time} of logged time`
  }
}

/**
 * The ticket as the workflow saves it: the Ticket row's lifecycle columns and
 * the events to append, and how a row that drifted is told apart. Apart from the
 * rules because it changes with the database schema and the reconcile script,
 * not with what a ticket may do; it only reads the state.
 */
import type { Awaiting, Priority, TicketStatus, TicketType } from './ticket.ts'
import type { SlaState } from './sla.ts'
import { slaChips, slaDueAt, type SlaChip } from './ticket-sla.ts'
import { closeReason, isInstant, type TicketEvent, type TicketState } from './ticket-state.ts'

/** The Ticket row's lifecycle columns, as the workflow keeps them. */
export interface TicketRecord {
  ticketId: string
  version: number
  status: TicketStatus
  awaiting: Awaiting
  /** Staff are up because the family pressed Reopen, without writing (the queue's marker says so). */
  reopenedByFamily: boolean
  priority: Priority
  type: TicketType
  assigneeId: string | null
  caseRef: string | null
  /** Null: the workflow was never told (a run older than departments in workflows); the row keeps its own. */
  departmentId: string | null
  updatedAt: string
  slaState: SlaState | null
  slaDueAt: string | null
  slaTargets: SlaChip[]
  pendingSince: string | null
  laDeadline: string | null
  laOverdue: boolean
  reopenUntil: string | null
  autoCloseAt: string | null
  resolvedAt: string | null
  closedAt: string | null
  closeReason: string | null
}

/** The record and the events to append, as the save activity writes them. */
export interface TicketSnapshot extends TicketRecord {
  events: TicketEvent[]
}

export function toTicketRecord(state: TicketState): TicketRecord {
  return {
    ticketId: state.ticketId,
    version: state.version,
    status: state.status,
    awaiting: state.awaiting,
    reopenedByFamily: state.reopenedByFamily,
    priority: state.priority,
    type: state.type,
    assigneeId: state.assigneeId,
    caseRef: state.caseRef,
    departmentId: state.departmentId,
    updatedAt: state.updatedAt,
    slaState: state.sla?.state ?? null,
    slaDueAt: state.sla ? slaDueAt(state.sla) : null,
    slaTargets: state.sla ? slaChips(state.sla) : [],
    pendingSince: state.pendingSince,
    laDeadline: state.laDeadline,
    laOverdue: state.laOverdue,
    reopenUntil: state.reopenUntil,
    autoCloseAt: state.autoCloseAt,
    resolvedAt: state.resolvedAt,
    closedAt: state.closedAt,
    closeReason: closeReason(state),
  }
}

export function toTicketSnapshot(state: TicketState): TicketSnapshot {
  return { ...toTicketRecord(state), events: state.pendingEvents }
}

export type RecordDifference = { field: keyof TicketRecord; database: unknown; workflow: unknown }

/**
 * Where the database row (`database`) differs from what the workflow keeps
 * (`workflow`): what `npm run reconcile` reports and repairs. Instants are
 * compared as instants, SLA chips as lists.
 */
export function diffTicketRecord(database: TicketRecord, workflow: TicketRecord): RecordDifference[] {
  const differences: RecordDifference[] = []
  for (const field of Object.keys(workflow) as (keyof TicketRecord)[]) {
    if (field === 'ticketId') continue
    // A workflow that does not know its department leaves the row's alone.
    if (field === 'departmentId' && workflow.departmentId === null) continue
    if (!sameValue(database[field], workflow[field])) differences.push({ field, database: database[field], workflow: workflow[field] })
  }
  return differences
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && isInstant(a) && isInstant(b)) return Date.parse(a) === Date.parse(b)
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => sameValue(item, b[index]))
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...keys].every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  }
  return a === b
}

/** Forgets the events a save covered; later ones (appended while it ran) stay pending. */
export function withEventsSaved(state: TicketState, throughSeq: number): TicketState {
  return { ...state, pendingEvents: state.pendingEvents.filter((event) => event.seq > throughSeq) }
}

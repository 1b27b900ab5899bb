import { describe, expect, test } from 'vitest'
import { defaultSlaPolicy } from './sla.ts'
import { diffTicketRecord, toTicketRecord, toTicketSnapshot, withEventsSaved } from './ticket-record.ts'
import { applyCommand, type TicketCommand } from './ticket-commands.ts'
import { adoptSlaPolicy, applyDeadlines } from './ticket-deadlines.ts'
import { initialTicketState, type TicketState } from './ticket-state.ts'
import { NOW, STAFF, opening, familyMessage, assignTo } from './ticket-fixtures.ts'

const policy = defaultSlaPolicy()
const MON = '2026-03-09T09:00:00.000Z'

/** A normal EHCP ticket opened at `at`, its policy loaded at once. */
function opened(at = MON): TicketState {
  return { ...adoptSlaPolicy(initialTicketState({ ...opening, createdAt: at }), policy, at), pendingEvents: [] }
}

/** What the workflow does with a command at `at`: deadlines first, then the command. */
function act(state: TicketState, command: TicketCommand, at: string): TicketState {
  const result = applyCommand(applyDeadlines(state, at), command, at)
  if (!result.ok) throw new Error(`refused: ${result.reason}`)
  return result.state
}

describe('saving', () => {
  test('the snapshot carries the lifecycle columns and the pending events', () => {
    const result = applyCommand(initialTicketState(opening), assignTo(STAFF), NOW)
    if (!result.ok) throw new Error(result.reason)
    expect(toTicketSnapshot(result.state)).toEqual({
      ticketId: 'ticket-1',
      version: 2,
      status: 'in_progress',
      awaiting: 'staff',
      reopenedByFamily: false,
      priority: 'normal',
      type: 'ehcp',
      assigneeId: STAFF,
      caseRef: null,
      departmentId: 'department-1',
      updatedAt: NOW,
      slaState: null,
      slaDueAt: null,
      slaTargets: [],
      pendingSince: null,
      laDeadline: null,
      laOverdue: false,
      reopenUntil: null,
      autoCloseAt: null,
      resolvedAt: null,
      closedAt: null,
      closeReason: null,
      events: result.state.pendingEvents,
    })
    expect(result.state.pendingEvents.map((event) => event.seq)).toEqual([1, 2, 3])
  })

  test('events appended while a save ran stay pending after it', () => {
    const saving = initialTicketState(opening)
    const result = applyCommand(saving, familyMessage(), NOW)
    if (!result.ok) throw new Error(result.reason)
    expect(withEventsSaved(result.state, saving.eventSeq).pendingEvents.map((event) => event.seq)).toEqual([2])
  })
})
describe('diffTicketRecord', () => {
  test('names each lifecycle column that differs, comparing instants as instants and chips as lists', () => {
    const workflow = toTicketRecord(act(opened(), assignTo(STAFF), '2026-03-09T10:00:00.000Z'))
    const database = {
      ...workflow,
      // The database returns the same instant in another spelling.
      updatedAt: '2026-03-09T10:00:00Z',
      slaTargets: workflow.slaTargets.map((chip) => ({ ...chip, dueAt: chip.dueAt?.replace('.000Z', 'Z') ?? null })),
    }
    expect(diffTicketRecord(database, workflow)).toEqual([])
    const stale = { ...database, version: workflow.version - 1, status: 'new' as const, slaTargets: workflow.slaTargets.slice(1) }
    expect(diffTicketRecord(stale, workflow)).toEqual([
      { field: 'version', database: workflow.version - 1, workflow: workflow.version },
      { field: 'status', database: 'new', workflow: 'in_progress' },
      { field: 'slaTargets', database: workflow.slaTargets.slice(1), workflow: workflow.slaTargets },
    ])
  })

  test('a department the workflow was never told of is the row’s to keep', () => {
    const workflow = toTicketRecord(opened())
    const moved = { ...workflow, departmentId: 'department-2' }
    expect(diffTicketRecord(moved, workflow)).toEqual([{ field: 'departmentId', database: 'department-2', workflow: 'department-1' }])
    expect(diffTicketRecord(moved, { ...workflow, departmentId: null })).toEqual([])
  })
})

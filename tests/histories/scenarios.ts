/**
 * The tickets tests/histories/export.ts records, one history each: every path a
 * ticket can take (clocks, waits, reopen, case closure, integration signals,
 * commands arriving with the start, a first-version ticket taken over, a ticket
 * opened by its creator's update-with-start).
 */
import { randomUUID } from 'node:crypto'
import type { WorkflowHandle } from '@temporalio/client'
import type { TestWorkflowEnvironment } from '@temporalio/testing'
import type { TicketStatus } from '../../domain/ticket.ts'
import { defaultSlaPolicy } from '../../domain/sla.ts'
import { applyCommand, type TicketCommand } from '../../domain/ticket-commands.ts'
import { adoptSlaPolicy } from '../../domain/ticket-deadlines.ts'
import { initialTicketState, type TicketState } from '../../domain/ticket-state.ts'
import {
  applySlaPolicyUpdate,
  assignTicketUpdate,
  caseClosedSignal,
  caseLinkedSignal,
  changeDepartmentUpdate,
  changePriorityUpdate,
  changeStatusUpdate,
  changeTypeUpdate,
  checklistChangedSignal,
  laRespondedSignal,
  linkCaseUpdate,
  messagePostedSignal,
  postMessageUpdate,
  priorityChangedSignal,
  recordLaResponseUpdate,
  reopenTicketUpdate,
  slaPolicyChangedSignal,
  statusChangedSignal,
  taskDeadlineSignal,
  ticketAssignedSignal,
  ticketReopenedSignal,
  ticketViewQuery,
  typeChangedSignal,
  type OpenTicketInput,
  type PostMessageInput,
  type TicketWorkflowInput,
} from '../../workflows/ticket.messages.ts'
import type { ticketWorkflow } from '../../workflows/ticket.workflow.ts'

export const REQUESTER = '00000000-0000-4000-8000-000000000001'
const STAFF = '00000000-0000-4000-8000-000000000002'
const OTHER_STAFF = '00000000-0000-4000-8000-000000000003'
const GENERAL = '00000000-0000-4000-8000-0000000000d1'
const TRIBUNALS = '00000000-0000-4000-8000-0000000000d2'
export const ORG = '00000000-0000-4000-8000-0000000000aa'

export type Handle = WorkflowHandle<typeof ticketWorkflow>

export interface Scenario {
  /** What the history shows. */
  about: string
  input?: Partial<TicketWorkflowInput>
  /**
   * Opened as creators open a ticket now: the start carries the openTicket update
   * (update-with-start), which answers once the first save is made. The Java
   * time-skipping server runs update-with-start (ExecuteMultiOperation) itself, so
   * this is the creator's own call, not a start followed by the update.
   */
  openTicket?: OpenTicketInput
  /**
   * Sent before any worker polls, so they reach the ticket's first workflow task
   * together with its start. Returns what to await once a worker runs.
   */
  beforeWorker?(handle: Handle): Promise<unknown>[]
  /** Run by a worker with the first version's code, before `run` (a ticket begun before SLAs). */
  underFoundation?(handle: Handle, env: TestWorkflowEnvironment): Promise<void>
  /** Run by a worker with the current code; without it the history is the first version's alone. */
  run?(handle: Handle, env: TestWorkflowEnvironment): Promise<void>
}

const family = (): PostMessageInput => ({
  messageId: randomUUID(),
  authorId: REQUESTER,
  authorRole: 'family',
  visibility: 'public',
})
const staff = (visibility: 'public' | 'internal' = 'public'): PostMessageInput => ({
  messageId: randomUUID(),
  authorId: STAFF,
  authorRole: 'staff',
  visibility,
})
/** A staff message as the web sends it now, with the organisation's assignOnFirstReply. */
const staffWithSetting = (
  assignOnFirstReply: boolean,
  visibility: 'public' | 'internal' = 'public',
  authorId = STAFF,
): PostMessageInput => ({
  ...staff(visibility),
  authorId,
  assignOnFirstReply,
})
function moveTo(to: TicketStatus, extra: { reason?: string; laDeadline?: string } = {}) {
  return { args: [{ status: to, actorId: STAFF, ...extra }] as [{ status: TicketStatus; actorId: string }] }
}

/** An update the ticket must refuse: the history shows it was tried. */
async function refused(update: Promise<unknown>): Promise<void> {
  const outcome = await update.then(
    () => 'applied',
    () => 'refused',
  )
  if (outcome !== 'refused') throw new Error('expected a refusal')
}

/** No workflow task or activity outstanding. */
export async function idle(handle: Handle): Promise<void> {
  for (;;) {
    const { raw } = await handle.describe()
    if (!raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function completion(handle: Handle): Promise<void> {
  for (;;) {
    const { status } = await handle.describe()
    if (status.name !== 'RUNNING') return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export const SCENARIOS: Record<string, Scenario> = {
  'new-ticket': {
    about: 'a ticket opened and left waiting on staff (still running)',
    async run(handle) {
      await handle.query(ticketViewQuery)
    },
  },
  conversation: {
    about: 'messages both ways, an internal note, assignment and every status, ending closed',
    async run(handle) {
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(postMessageUpdate, { args: [staff('internal')] })
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] })
      await handle.executeUpdate(postMessageUpdate, { args: [staff()] })
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_family'))
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: OTHER_STAFF, actorId: STAFF }] })
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_la'))
      await handle.executeUpdate(changeStatusUpdate, moveTo('in_progress'))
      await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
      await handle.executeUpdate(changeStatusUpdate, moveTo('closed', { reason: 'Done' }))
      await completion(handle)
    },
  },
  'signals-and-refusals': {
    about: 'a repeated messagePosted signal, refused updates, a pending ticket left running',
    async run(handle) {
      const message = staff()
      await handle.signal(messagePostedSignal, message)
      await handle.signal(messagePostedSignal, message)
      await handle.signal(messagePostedSignal, family())
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_la'))
      await refused(handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'new', actorId: STAFF }] }))
      await refused(handle.executeUpdate(postMessageUpdate, { args: [{ ...family(), visibility: 'internal' }] }))
      await handle.executeUpdate(postMessageUpdate, { args: [message] })
      await handle.query(ticketViewQuery)
    },
  },
  'carried-state': {
    about: 'a run that began from carried state (as after continue-as-new), then changed',
    input: {
      carried: carriedState([
        { kind: 'postMessage', ...staff() },
        { kind: 'assign', assigneeId: STAFF, actorId: STAFF },
      ]),
    },
    async run(handle) {
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_family'))
      await handle.query(ticketViewQuery)
    },
  },
  'closed-from-new': {
    about: 'closed straight from new with a reason',
    async run(handle) {
      await handle.executeUpdate(changeStatusUpdate, moveTo('closed', { reason: 'Duplicate' }))
      await completion(handle)
    },
  },
  'sla-clocks': {
    about: 'first response at risk then breached, a late reply, next response breached, priority, type and policy changes',
    async run(handle, env) {
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] })
      await env.sleep('4 days')
      await handle.executeUpdate(postMessageUpdate, { args: [staff()] })
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(changePriorityUpdate, { args: [{ priority: 'urgent', actorId: STAFF }] })
      await env.sleep('5 hours')
      await handle.executeUpdate(changeTypeUpdate, { args: [{ type: 'tribunal', actorId: STAFF }] })
      await handle.executeUpdate(applySlaPolicyUpdate, { args: [{ actorId: STAFF }] })
      await handle.signal(slaPolicyChangedSignal, { actorId: null })
      await handle.executeUpdate(postMessageUpdate, { args: [staff()] })
      await handle.query(ticketViewQuery)
    },
  },
  'pending-family-closes': {
    about: 'pending the family: told, reminded after 5 working days, closed "no response" after 14 days',
    async run(handle, env) {
      await handle.executeUpdate(postMessageUpdate, { args: [staff()] })
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_family'))
      await env.sleep('15 days')
      await completion(handle)
    },
  },
  'pending-family-answered': {
    about: 'pending the family: reminded, then the family replies and work resumes',
    async run(handle, env) {
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_family'))
      await env.sleep('8 days')
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.query(ticketViewQuery)
    },
  },
  'pending-la': {
    about: 'pending the LA with a deadline that passes, the response reported twice, a new wait answered by staff',
    async run(handle, env) {
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] })
      const laDeadline = new Date((await env.currentTimeMs()) + 7 * 24 * 3_600_000).toISOString()
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_la', { laDeadline }))
      await env.sleep('8 days')
      await handle.signal(laRespondedSignal, { actorId: null, commandId: 'la-1' })
      await handle.signal(laRespondedSignal, { actorId: null, commandId: 'la-1' })
      await refused(handle.executeUpdate(recordLaResponseUpdate, { args: [{ actorId: STAFF }] }))
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_la'))
      await handle.executeUpdate(
        changeStatusUpdate,
        moveTo('pending_la', { laDeadline: new Date((await env.currentTimeMs()) + 30 * 24 * 3_600_000).toISOString() }),
      )
      await handle.executeUpdate(recordLaResponseUpdate, { args: [{ actorId: STAFF }] })
      await handle.query(ticketViewQuery)
    },
  },
  'reopen-window': {
    about: 'resolved and reopened by a reply and by Reopen, then closed when the reopen window ends',
    async run(handle, env) {
      await handle.executeUpdate(postMessageUpdate, { args: [staff()] })
      await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
      await env.sleep('2 days')
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
      await handle.executeUpdate(reopenTicketUpdate, { args: [{ actorId: REQUESTER, actorRole: 'family' }] })
      await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
      await env.sleep('8 days')
      await completion(handle)
    },
  },
  'case-closure': {
    about: 'linked to a case, resolved by the case closing (twice), closed after the reopen window',
    async run(handle, env) {
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] })
      await handle.executeUpdate(linkCaseUpdate, { args: [{ caseRef: 'CASE-1', actorId: STAFF }] })
      await handle.signal(caseLinkedSignal, { caseRef: 'CASE-1', actorId: null })
      await handle.signal(caseClosedSignal, { caseRef: 'CASE-1' })
      await handle.signal(caseClosedSignal, { caseRef: 'CASE-1' })
      await env.sleep('8 days')
      await completion(handle)
    },
  },
  'integration-signals': {
    about: 'every command as a signal, with repeats, stale facts and a closure before its link',
    async run(handle) {
      await handle.signal(ticketAssignedSignal, { assigneeId: STAFF, actorId: STAFF })
      await handle.signal(ticketAssignedSignal, { assigneeId: STAFF, actorId: STAFF })
      await handle.signal(priorityChangedSignal, { priority: 'high', actorId: STAFF, commandId: 'p-1' })
      await handle.signal(priorityChangedSignal, { priority: 'high', actorId: STAFF, commandId: 'p-1' })
      await handle.signal(typeChangedSignal, { type: 'dla', actorId: STAFF })
      await handle.signal(statusChangedSignal, { status: 'pending_la', actorId: STAFF, commandId: 's-1' })
      await handle.signal(statusChangedSignal, { status: 'pending_la', actorId: STAFF, commandId: 's-1' })
      await handle.signal(laRespondedSignal, { actorId: null })
      await handle.signal(laRespondedSignal, { actorId: null })
      await handle.signal(ticketReopenedSignal, { actorId: REQUESTER, actorRole: 'family' })
      await handle.signal(caseClosedSignal, { caseRef: 'CASE-2' })
      await handle.signal(caseLinkedSignal, { caseRef: 'CASE-2', actorId: null })
      await handle.signal(ticketReopenedSignal, { actorId: REQUESTER, actorRole: 'family' })
      await handle.signal(messagePostedSignal, family())
      await handle.query(ticketViewQuery)
    },
  },
  'early-commands': {
    about: 'a signal and updates that arrive with the start, in the first workflow task',
    beforeWorker: (handle) => earlyCommands(handle),
    async run(handle) {
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_family'))
      await handle.query(ticketViewQuery)
    },
  },
  'case-linked-at-start': {
    about: 'started with its case link, as the API starts a ticket with a caseRef; the case closes at once and the family writes again',
    beforeWorker: (handle) => [handle.signal(caseLinkedSignal, { caseRef: 'CASE-3', actorId: null })],
    async run(handle) {
      await handle.signal(caseClosedSignal, { caseRef: 'CASE-3' })
      // An update answers once its change is saved, so the history holds the first rounds whole.
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
    },
  },
  'early-commands-before-slas': {
    about: 'the first version: a signal and updates that arrive with the start, in the first workflow task',
    beforeWorker: (handle) => earlyCommands(handle),
    async underFoundation(handle) {
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_family'))
      await handle.query(ticketViewQuery)
    },
  },
  'upgraded-foundation': {
    about: 'begun by the first version (no SLAs), then taken over by the current code at its next change',
    async underFoundation(handle) {
      await handle.executeUpdate(postMessageUpdate, { args: [staff()] })
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_family'))
    },
    async run(handle, env) {
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await env.sleep('2 days')
      await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
      await env.sleep('8 days')
      await completion(handle)
    },
  },
  'opened-new-ticket': {
    about: 'opened by update-with-start (openTicket), then a staff reply, a family reply, and resolved (still running)',
    // Update-with-start, as services/ticket-creation.server.ts sends it (the test server supports it).
    openTicket: { caseRef: null },
    async run(handle) {
      await handle.executeUpdate(postMessageUpdate, { args: [staff()] })
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
      await handle.query(ticketViewQuery)
    },
  },
  'opened-with-case': {
    about: 'opened by update-with-start with a case in openTicket; the case closes, then the reopen window ends',
    // Update-with-start, as services/ticket-creation.server.ts sends it (the test server supports it).
    openTicket: { caseRef: 'CASE-4' },
    async run(handle, env) {
      await handle.signal(caseClosedSignal, { caseRef: 'CASE-4' })
      await env.sleep('8 days')
      await completion(handle)
    },
  },
  'answered-by-first-reply': {
    about:
      'opened by update-with-start (admins told of the new request); a note, then the first reply assigns its author; ' +
      "another's reply, the family's, resolved, reopened by the family, answered (still running)",
    openTicket: { caseRef: null },
    async run(handle) {
      await handle.executeUpdate(postMessageUpdate, { args: [staffWithSetting(true, 'internal')] })
      await handle.executeUpdate(postMessageUpdate, { args: [staffWithSetting(true)] })
      await handle.executeUpdate(postMessageUpdate, { args: [staffWithSetting(true, 'public', OTHER_STAFF)] })
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
      await handle.executeUpdate(reopenTicketUpdate, { args: [{ actorId: REQUESTER, actorRole: 'family' }] })
      await handle.executeUpdate(postMessageUpdate, { args: [staffWithSetting(true)] })
      await handle.query(ticketViewQuery)
    },
  },
  'first-reply-setting-off': {
    about:
      'opened by update-with-start; the first reply with the setting off leaves it unassigned, and a later one ' +
      '(as a signal) with it on does not take it either; then assigned by hand',
    openTicket: { caseRef: null },
    async run(handle) {
      await handle.executeUpdate(postMessageUpdate, { args: [staffWithSetting(false)] })
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.signal(messagePostedSignal, staffWithSetting(true))
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: OTHER_STAFF, actorId: STAFF }] })
      await handle.query(ticketViewQuery)
    },
  },
  'moved-department': {
    about:
      'opened by update-with-start in its department; moved to another, a move to where it already is refused, ' +
      'then a reply and moved back (still running)',
    input: { departmentId: GENERAL },
    openTicket: { caseRef: null },
    async run(handle) {
      await handle.executeUpdate(changeDepartmentUpdate, { args: [{ departmentId: TRIBUNALS, actorId: STAFF }] })
      await refused(handle.executeUpdate(changeDepartmentUpdate, { args: [{ departmentId: TRIBUNALS, actorId: STAFF }] }))
      await handle.executeUpdate(postMessageUpdate, { args: [staffWithSetting(true)] })
      await handle.executeUpdate(changeDepartmentUpdate, { args: [{ departmentId: GENERAL, actorId: OTHER_STAFF }] })
      await handle.query(ticketViewQuery)
    },
  },
  'tasks-flagged-overdue': {
    about:
      'opened and replied to; two tasks given due times (one moved later before it fell due), ' +
      'each flagged overdue by the timer in turn, then a third still waiting (still running)',
    openTicket: { caseRef: null },
    async run(handle, env) {
      await handle.executeUpdate(postMessageUpdate, { args: [staffWithSetting(true)] })
      const at = async (hours: number) => new Date((await env.currentTimeMs()) + hours * 3_600_000).toISOString()
      await handle.signal(taskDeadlineSignal, { taskId: TASK_A, dueAt: await at(2) })
      await handle.signal(taskDeadlineSignal, { taskId: TASK_B, dueAt: await at(1) })
      await handle.signal(taskDeadlineSignal, { taskId: TASK_B, dueAt: await at(3) })
      await env.sleep('4 hours')
      await idle(handle)
      await handle.signal(taskDeadlineSignal, { taskId: TASK_C, dueAt: await at(24) })
      await idle(handle)
      await handle.query(ticketViewQuery)
    },
  },
  'family-told-of-steps': {
    about:
      'opened and replied to; the family told of a step added and of it ticked (the ticket-checklist-notices marker, ' +
      'at the first checklistChanged signal), a repeated signal telling them nothing more (still running)',
    openTicket: { caseRef: null },
    async run(handle) {
      await handle.executeUpdate(postMessageUpdate, { args: [staffWithSetting(true)] })
      await handle.signal(checklistChangedSignal, { itemId: ITEM, change: 'added', actorId: STAFF })
      await idle(handle)
      await handle.signal(checklistChangedSignal, { itemId: ITEM, change: 'added', actorId: STAFF })
      await handle.signal(checklistChangedSignal, { itemId: ITEM, change: 'ticked', actorId: STAFF })
      await idle(handle)
      await handle.query(ticketViewQuery)
    },
  },
  'general-message': {
    about:
      'a conversation staff started (the ticket-staff-conversations marker): In progress, theirs, no first response owed; ' +
      'the family replies, staff answer, resolved (still running)',
    input: { conversation: { authorId: STAFF, awaitingFile: false } },
    openTicket: { caseRef: null },
    async run(handle) {
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(postMessageUpdate, { args: [staff()] })
      await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
      await handle.query(ticketViewQuery)
    },
  },
  'document-request': {
    about:
      'a document request staff started: Pending family until the family writes (with the file), then back to staff, ' +
      'who answer (still running)',
    input: { conversation: { authorId: STAFF, awaitingFile: true } },
    openTicket: { caseRef: null },
    async run(handle, env) {
      await env.sleep('1 day')
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(postMessageUpdate, { args: [staff()] })
      await handle.query(ticketViewQuery)
    },
  },
}

const TASK_A = '00000000-0000-4000-8000-00000000000a'
const TASK_B = '00000000-0000-4000-8000-00000000000b'
const TASK_C = '00000000-0000-4000-8000-00000000000c'
const ITEM = '00000000-0000-4000-8000-0000000000c1'

function earlyCommands(handle: Handle): Promise<unknown>[] {
  return [
    handle.signal(messagePostedSignal, family()),
    handle.executeUpdate(postMessageUpdate, { args: [staff()] }),
    handle.signal(messagePostedSignal, staff('internal')),
    handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] }),
  ]
}

/** A ticket's state part-way through its life, as a previous run would carry it. */
function carriedState(commands: TicketCommand[]): TicketState {
  const input = opening()
  return commands.reduce(
    (state, command) => {
      const result = applyCommand(state, command, new Date().toISOString())
      if (!result.ok) throw new Error(result.reason)
      return result.state
    },
    adoptSlaPolicy(initialTicketState(input), defaultSlaPolicy(), input.createdAt),
  )
}

/** The ticket a scenario starts: its own id, and what the scenario sets. */
export function opening(overrides: Partial<TicketWorkflowInput> = {}): TicketWorkflowInput {
  return {
    ticketId: randomUUID(),
    orgId: ORG,
    number: 1,
    requesterId: REQUESTER,
    type: 'ehcp',
    priority: 'normal',
    createdAt: new Date().toISOString(),
    ...overrides,
  }
}

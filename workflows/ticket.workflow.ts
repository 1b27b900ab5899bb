/**
 * One ticket, start to close. The workflow holds the ticket's state, applies
 * commands and deadlines through the domain (domain/ticket-*.ts hold every
 * rule), saves every change before an update returns, so the web reads its own
 * writes from Postgres, and sleeps until the next deadline: an SLA target
 * changing state, a reminder, an auto-close, an LA deadline, the end of the
 * reopen window.
 *
 * Versioning: runs begun by the first version of this workflow (before SLAs)
 * recorded no `ticket-lifecycle` marker. While replaying them the workflow
 * issues exactly the commands that version did (no policy load, no timers, only
 * reply notifications, its search attributes); once such a run is live
 * again it takes the `ticket-lifecycle-upgrade` marker at its next quiet moment
 * and gets its SLA policy like a new ticket. See docs/decisions/004-ticket-workflow-versioning.md.
 */
import type { SearchAttributeUpdatePair, SignalDefinition, UpdateDefinition } from '@temporalio/common'
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow'
import type { TicketActivities } from '../activities/index.ts'
import { defaultSlaPolicy, slaPolicyFromJson, type SlaPolicy } from '../domain/sla.ts'
import { isAssignment, isFamilyMessage, isOpening, notificationsFor, type TicketNotification } from '../domain/ticket-notifications.ts'
import { toTicketRecord, toTicketSnapshot, withEventsSaved } from '../domain/ticket-record.ts'
import { applyCommand, type TicketCommand } from '../domain/ticket-commands.ts'
import { adoptSlaPolicy, applyDeadlines, nextDeadlineMs } from '../domain/ticket-deadlines.ts'
import {
  caseOpen,
  initialConversationState,
  initialTicketState,
  toTicketView,
  upgradeTicketState,
  type Refusal,
  type TicketState,
  type TicketView,
} from '../domain/ticket-state.ts'
import {
  applySlaPolicyUpdate,
  assignTicketUpdate,
  caseClosedSignal,
  caseLinkedSignal,
  changePriorityUpdate,
  changeDepartmentUpdate,
  changeStatusUpdate,
  changeTypeUpdate,
  commandRefusedFailureType,
  linkCaseUpdate,
  messagePostedSignal,
  openTicketUpdate,
  postMessageUpdate,
  priorityChangedSignal,
  recordLaResponseUpdate,
  reopenTicketUpdate,
  laRespondedSignal,
  searchAttributes,
  slaPolicyChangedSignal,
  statusChangedSignal,
  ticketAssignedSignal,
  ticketRecordQuery,
  ticketReopenedSignal,
  ticketViewQuery,
  typeChangedSignal,
  type CommandRefusalDetails,
  type TicketWorkflowInput,
} from './ticket.messages.ts'
import { handleChecklistNotices } from './ticket-checklist-notices.ts'
import { handleTaskDeadlines } from './ticket-task-deadlines.ts'

/** Marks runs begun with SLAs, pending waits and case closure. */
export const LIFECYCLE_PATCH = 'ticket-lifecycle'
/** Marks the moment a run begun without them took them on. */
export const LIFECYCLE_UPGRADE_PATCH = 'ticket-lifecycle-upgrade'
/** Marks runs whose activities are local activities. */
export const LOCAL_ACTIVITIES_PATCH = 'ticket-local-activities'
/** Marks runs that applied the commands and facts which came with the start before their first save. */
export const EARLY_COMMANDS_FIRST_SAVE_PATCH = 'ticket-early-commands-first-save'
/** Marks runs that tell the assignee and watchers when the family writes. */
export const FAMILY_REPLY_NOTICES_PATCH = 'ticket-family-reply-notices'
/** Marks runs that tell the organisation's admins of a new request. */
export const NEW_REQUEST_NOTICES_PATCH = 'ticket-new-request-notices'
/** Marks runs that tell the family (and the new assignee) of every assignment; the portal wrote those notices before. */
export const ASSIGNMENT_NOTICES_PATCH = 'ticket-assignment-notices'
/** Marks runs in which the first public staff reply on an unassigned ticket assigns it (when the organisation wants that). */
export const ASSIGN_ON_FIRST_REPLY_PATCH = 'ticket-assign-on-first-reply'
/** Marks runs begun as a conversation staff started (In progress or Pending family, theirs, no first response owed). */
export const STAFF_CONVERSATIONS_PATCH = 'ticket-staff-conversations'

const activityOptions = {
  startToCloseTimeout: '30 seconds',
  // No attempt limit: a change must reach the database, however long it is down.
  // What retrying cannot fix (a missing row) fails at once: the activities throw
  // non-retryable failures.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const
/**
 * The activities are short database calls, so they run as local activities: in
 * the worker, within the workflow task that asked for them, recorded as markers.
 * A ticket then costs the server one workflow task where it cost three, plus two
 * activity tasks (docs/decisions/005-local-activities.md). Runs begun before
 * that keep scheduled activities until they continue as new.
 */
const localActivities = proxyLocalActivities<TicketActivities>(activityOptions)
const scheduledActivities = proxyActivities<TicketActivities>(activityOptions)

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketView> {
  let ticket: TicketState = input.carried ? upgradeTicketState(input.carried) : openingState(input)
  // Zero even when carried: the previous run may not have saved its last changes,
  // and saving again is harmless.
  let savedVersion = 0
  let upsertedAttributes = ''
  let lifecycle = patched(LIFECYCLE_PATCH)
  const { saveTicketState, notifyUsers, loadSlaPolicy, flagTaskOverdue } = patched(LOCAL_ACTIVITIES_PATCH)
    ? localActivities
    : scheduledActivities
  const tasks = handleTaskDeadlines(input.carriedTaskDeadlines, flagTaskOverdue)
  // applySlaPolicy asks the main loop to reload the policy: requests made, and the last one served.
  let policyRequests = 0
  let policyServed = 0
  let policyActorId: string | null = null

  const policyWanted = () => ticket.status !== 'closed' && policyServed < policyRequests
  const needsAttention = () => ticket.version > savedVersion || policyWanted()
  // Commands wait for the policy (loaded a moment after the start), so that, say, a
  // ticket put in Pending family at once tells the family when it will close.
  const policyReady = () => !lifecycle || ticket.policy !== null || ticket.status === 'closed'
  // Handlers waiting for that: the commands and facts that came with the start.
  let waitingForPolicy = 0

  /** Refuses before the update reaches history. */
  function validate(command: TicketCommand): void {
    const at = now()
    const result = applyCommand(applyDeadlines(ticket, at), command, at)
    if (!result.ok) throw refusalFailure(ticket, result)
  }

  async function execute(command: TicketCommand): Promise<TicketView> {
    // Only when needed: the first version applied commands at once, and its runs must replay so.
    if (!policyReady()) {
      waitingForPolicy++
      await condition(policyReady)
      waitingForPolicy--
    }
    const at = now()
    ticket = applyDeadlines(ticket, at)
    const result = applyCommand(ticket, asPatched(command), at)
    if (!result.ok) throw refusalFailure(ticket, result)
    ticket = result.state
    const version = ticket.version
    await condition(() => savedVersion >= version)
    return toTicketView(ticket, now())
  }

  /** Integrations' facts: applied when valid, otherwise logged and ignored (a repeat, or too late). */
  async function applyFact(signal: string, command: TicketCommand): Promise<void> {
    // Waiting handlers resume in the order they arrived.
    if (!policyReady()) {
      waitingForPolicy++
      await condition(policyReady)
      waitingForPolicy--
    }
    const at = now()
    ticket = applyDeadlines(ticket, at)
    const result = applyCommand(ticket, asPatched(command), at)
    if (result.ok) ticket = result.state
    else
      log.warn(`${signal} signal ignored`, {
        ticketId: ticket.ticketId,
        reason: result.reason,
        code: result.code,
        commandId: command.commandId,
      })
  }

  function handleCommand<I>(update: UpdateDefinition<TicketView, [I]>, toCommand: (input: I) => TicketCommand): void {
    setHandler(update, (input) => execute(toCommand(input)), { validator: (input) => validate(toCommand(input)) })
  }
  function handleFact<I>(signal: SignalDefinition<[I]>, toCommand: (input: I) => TicketCommand): void {
    setHandler(signal, (input) => applyFact(signal.name, toCommand(input)))
  }

  handleCommand(postMessageUpdate, (message) => ({ ...message, kind: 'postMessage' }))
  handleCommand(assignTicketUpdate, (assignment) => ({ ...assignment, kind: 'assign' }))
  handleCommand(changeStatusUpdate, (change) => ({ ...change, kind: 'changeStatus' }))
  handleCommand(changePriorityUpdate, (change) => ({ ...change, kind: 'changePriority' }))
  handleCommand(changeTypeUpdate, (change) => ({ ...change, kind: 'changeType' }))
  // New in this version: only a run that receives it does anything new, so no patch.
  handleCommand(changeDepartmentUpdate, (change) => ({ ...change, kind: 'changeDepartment' }))
  handleCommand(linkCaseUpdate, (link) => ({ ...link, kind: 'linkCase' }))
  handleCommand(reopenTicketUpdate, (reopening) => ({ ...reopening, kind: 'reopen' }))
  handleCommand(recordLaResponseUpdate, (response) => ({ ...response, kind: 'recordLaResponse' }))

  handleFact(messagePostedSignal, (message) => ({ ...message, kind: 'postMessage' }))
  handleFact(ticketAssignedSignal, (assignment) => ({ ...assignment, kind: 'assign' }))
  handleFact(statusChangedSignal, (change) => ({ ...change, kind: 'changeStatus' }))
  handleFact(priorityChangedSignal, (change) => ({ ...change, kind: 'changePriority' }))
  handleFact(typeChangedSignal, (change) => ({ ...change, kind: 'changeType' }))
  handleFact(caseLinkedSignal, (link) => ({ ...link, kind: 'linkCase' }))
  handleFact(ticketReopenedSignal, (reopening) => ({ ...reopening, kind: 'reopen' }))
  handleFact(laRespondedSignal, (response) => ({ ...response, kind: 'recordLaResponse' }))
  handleFact(caseClosedSignal, (closure) => ({ ...closure, kind: 'caseClosed' }))

  // The policy is read by an activity, which only the main loop runs, so commands stay in one order.
  setHandler(
    applySlaPolicyUpdate,
    async ({ actorId }) => {
      policyActorId = actorId
      const request = ++policyRequests
      await condition(() => ticket.status === 'closed' || (policyServed >= request && savedVersion >= ticket.version))
      return toTicketView(ticket, now())
    },
    {
      validator: (_input) => {
        if (ticket.status === 'closed') throw refusalFailure(ticket, { reason: 'Ticket is closed', code: 'ticket_closed' })
      },
    },
  )
  setHandler(slaPolicyChangedSignal, ({ actorId }) => {
    policyActorId = actorId
    policyRequests++
  })

  // The creator's call, sent with the start: the case link that came with the
  // request goes into the first save, and the answer is the ticket that save wrote.
  setHandler(openTicketUpdate, async ({ caseRef }) => {
    if (caseRef) await applyFact(openTicketUpdate.name, { kind: 'linkCase', caseRef, actorId: null })
    await condition(() => ticket.status === 'closed' || (ticket.policy !== null && savedVersion >= ticket.version))
    return toTicketView(ticket, now())
  })

  handleChecklistNotices(() => ticket, notify)

  setHandler(ticketViewQuery, () => toTicketView(ticket, now()))
  setHandler(ticketRecordQuery, () => toTicketRecord(ticket))

  async function loadPolicy(): Promise<SlaPolicy> {
    try {
      return slaPolicyFromJson(await loadSlaPolicy(ticket.orgId))
    } catch (error) {
      // The organisation is gone (or, in runs recorded before the activity fell back
      // itself, its stored policy was invalid): the ticket still deserves targets.
      if (!activityGaveUp(error)) throw error
      log.warn('SLA policy not loaded; the default policy applies', {
        ticketId: ticket.ticketId,
        orgId: ticket.orgId,
        error: failureMessage(error),
      })
      return defaultSlaPolicy()
    }
  }

  async function saveChanges(): Promise<void> {
    const snapshot = ticket
    await saveTicketState(toTicketSnapshot(snapshot))
    ticket = withEventsSaved(ticket, snapshot.eventSeq)
    savedVersion = snapshot.version

    const attributes = lifecycle ? searchAttributesOf(snapshot) : foundationSearchAttributesOf(snapshot)
    const attributesKey = JSON.stringify(attributes.map(({ key, value }) => [key.name, value]))
    if (attributesKey !== upsertedAttributes) {
      upsertSearchAttributes(attributes)
      upsertedAttributes = attributesKey
    }

    // Runs recorded before the assignee was told of family messages, the admins of new
    // requests, or the family of assignments, replay without those notifications.
    const familyReplies = lifecycle && snapshot.pendingEvents.some(isFamilyMessage) && patched(FAMILY_REPLY_NOTICES_PATCH)
    const newRequests = lifecycle && snapshot.pendingEvents.some(isOpening) && patched(NEW_REQUEST_NOTICES_PATCH)
    const assignments = lifecycle && snapshot.pendingEvents.some(isAssignment) && patched(ASSIGNMENT_NOTICES_PATCH)
    for (const notification of notificationsFor(snapshot, snapshot.pendingEvents, { familyReplies, newRequests, assignments })) {
      // The first version told families about staff replies only; its runs keep to that while replayed.
      if (!lifecycle && notification.kind !== 'staff_replied') continue
      await notify(notification)
    }
  }

  /** A notification that cannot be sent (its author, or its checklist item, was deleted) must not end the ticket. */
  async function notify(notification: TicketNotification): Promise<void> {
    await notifyUsers(notification).catch((error: unknown) => {
      if (!activityGaveUp(error)) throw error
      log.warn('notification dropped', {
        ticketId: notification.ticketId,
        dedupeKey: notification.dedupeKey,
        error: failureMessage(error),
      })
    })
  }

  // Each round waits first, as the first version did: commands that arrived with
  // the same workflow task are applied before anything is saved.
  const needsWork = () => needsAttention() || (lifecycle && ticket.policy === null && ticket.status !== 'closed') || tasks.changed()
  for (;;) {
    const ticketWakeAt = lifecycle ? nextDeadlineMs(ticket, Date.now()) : null
    const taskWakeAt = tasks.wakeAt()
    // Without task due times the wait is exactly the one earlier versions recorded.
    const wakeAt = taskWakeAt === null ? ticketWakeAt : Math.min(taskWakeAt, ticketWakeAt ?? taskWakeAt)
    if (wakeAt === null) await condition(needsWork)
    else await condition(needsWork, taskWakeAt === null ? wakeAt - Date.now() : Math.max(1, wakeAt - Date.now()))
    if (taskWakeAt !== null || tasks.changed()) await tasks.flagDue(Date.now())

    if (lifecycle && ticket.status !== 'closed' && (ticket.policy === null || policyWanted())) {
      const request = policyRequests
      const policy = await loadPolicy()
      const at = now()
      ticket = applyDeadlines(ticket, at)
      if (ticket.policy === null) {
        ticket = adoptSlaPolicy(ticket, policy, at)
        // What came with the start (a case link, an assignment) goes into the first
        // save, so the read model never shows the ticket without it: closing a case
        // just after a ticket was made for it must find the ticket.
        if (waitingForPolicy > 0 && patched(EARLY_COMMANDS_FIRST_SAVE_PATCH)) await condition(() => waitingForPolicy === 0)
      } else {
        const result = applyCommand(ticket, { kind: 'applySlaPolicy', policy, actorId: policyActorId }, at)
        if (result.ok) ticket = result.state
      }
      policyServed = request
    }
    if (lifecycle) ticket = applyDeadlines(ticket, now())
    if (ticket.version > savedVersion) {
      await saveChanges()
      if (ticket.status !== 'closed' && workflowInfo().continueAsNewSuggested) {
        // An update handler finishes only once its change is saved: when changes
        // arrive meanwhile, go round and save them instead of waiting forever.
        await condition(() => allHandlersFinished() || needsAttention())
        if (!needsAttention())
          return await continueAsNew<typeof ticketWorkflow>({ ...input, carried: ticket, carriedTaskDeadlines: tasks.carried() })
      }
    }
    if (ticket.status === 'closed' && ticket.version === savedVersion) break
    // A run of the first version, live again: from here on it has SLAs and timers.
    if (!lifecycle && patched(LIFECYCLE_UPGRADE_PATCH)) lifecycle = true
  }
  await condition(allHandlersFinished)
  return toTicketView(ticket, now())
}

/** A new run's first state: a family's request, or a conversation staff started (in runs that took the patch). */
function openingState(input: TicketWorkflowInput): TicketState {
  if (input.conversation && patched(STAFF_CONVERSATIONS_PATCH)) return initialConversationState(input, input.conversation)
  return initialTicketState(input)
}

/**
 * The command as this run's patches allow it. A reply that would assign its author is
 * applied so only in runs that took the patch: one recorded before (its update
 * sent by a newer web to an older worker, say) replays without the assignment.
 * Not for validators, which may not record a marker; assigning never refuses.
 */
function asPatched(command: TicketCommand): TicketCommand {
  if (command.kind === 'postMessage' && command.assignOnFirstReply && !patched(ASSIGN_ON_FIRST_REPLY_PATCH))
    return { ...command, assignOnFirstReply: false }
  return command
}

/**
 * An activity that failed for good: a scheduled one's failure arrives wrapped in an
 * ActivityFailure, a local one's non-retryable failure as the ApplicationFailure itself.
 */
function activityGaveUp(error: unknown): error is ActivityFailure | ApplicationFailure {
  return (error instanceof ActivityFailure || error instanceof ApplicationFailure) && !isCancellation(error)
}

function failureMessage(error: ActivityFailure | ApplicationFailure): string | undefined {
  return error instanceof ActivityFailure ? error.cause?.message : error.message
}

/** The workflow's clock replays from history, so the domain may be given it. */
function now(): string {
  return new Date().toISOString()
}

function refusalFailure(ticket: TicketState, refusal: Refusal): ApplicationFailure {
  const details: CommandRefusalDetails = { code: refusal.code, ticketId: ticket.ticketId, number: ticket.number }
  return ApplicationFailure.create({
    message: refusal.reason,
    type: commandRefusedFailureType,
    nonRetryable: true,
    details: [details],
  })
}

/** What admins filter on in the Temporal UI. */
function searchAttributesOf(ticket: TicketState): SearchAttributeUpdatePair[] {
  return [
    { key: searchAttributes.ticketNumber, value: ticket.number },
    { key: searchAttributes.orgId, value: ticket.orgId },
    { key: searchAttributes.ticketStatus, value: ticket.status },
    { key: searchAttributes.ticketPriority, value: ticket.priority },
    { key: searchAttributes.ticketType, value: ticket.type },
    // Null removes the attribute: a ticket without a policy yet has no SLA state, an unassigned one no assignee.
    { key: searchAttributes.slaState, value: ticket.sla?.state ?? null },
    { key: searchAttributes.assigneeId, value: ticket.assigneeId },
    { key: searchAttributes.awaiting, value: ticket.awaiting },
    { key: searchAttributes.caseOpen, value: caseOpen(ticket) },
  ]
}

/**
 * The first version's attributes, for its runs until they upgrade: an attribute
 * set that changes at other moments (Awaiting does) would upsert at other moments.
 */
function foundationSearchAttributesOf(ticket: TicketState): SearchAttributeUpdatePair[] {
  return [
    { key: searchAttributes.ticketNumber, value: ticket.number },
    { key: searchAttributes.orgId, value: ticket.orgId },
    { key: searchAttributes.ticketStatus, value: ticket.status },
    { key: searchAttributes.ticketPriority, value: ticket.priority },
    { key: searchAttributes.ticketType, value: ticket.type },
    { key: searchAttributes.assigneeId, value: ticket.assigneeId },
    { key: searchAttributes.caseOpen, value: ticket.status !== 'closed' },
  ]
}

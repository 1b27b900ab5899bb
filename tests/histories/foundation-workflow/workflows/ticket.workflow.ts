/**
 * One ticket, start to close. The workflow holds the ticket's state, applies
 * commands through the domain, and saves every change before an update returns,
 * so the web reads its own writes from Postgres.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common'
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow'
import {
  applyCommand,
  initialTicketState,
  notificationsFor,
  toTicketSnapshot,
  toTicketView,
  withEventsSaved,
  type TicketCommand,
  type TicketNotification,
  type TicketSnapshot,
  type TicketState,
  type TicketView,
} from '../domain/ticket-state.ts'
import {
  assignTicketUpdate,
  changeStatusUpdate,
  commandRefusedFailureType,
  messagePostedSignal,
  postMessageUpdate,
  searchAttributes,
  ticketViewQuery,
  type TicketWorkflowInput,
} from './ticket.messages.ts'

// Frozen copy: the activities' types as that version declared them.
type TicketActivities = {
  saveTicketState(snapshot: TicketSnapshot): Promise<void>
  notifyUsers(notification: TicketNotification): Promise<void>
}

const { saveTicketState, notifyUsers } = proxyActivities<TicketActivities>({
  startToCloseTimeout: '30 seconds',
  // No attempt limit: a change must reach the database, however long it is down.
  // A missing row fails at once (the activities throw non-retryable failures).
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
})

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketView> {
  let ticket: TicketState = input.carried ?? initialTicketState(input)
  // Zero even when carried: the previous run may not have saved its last changes,
  // and saving again is harmless.
  let savedVersion = 0
  let upsertedAttributes = ''

  function refusal(reason: string): ApplicationFailure {
    return ApplicationFailure.nonRetryable(reason, commandRefusedFailureType)
  }

  /** Refuses before the update reaches history. */
  function validate(command: TicketCommand): void {
    const result = applyCommand(ticket, command, now())
    if (!result.ok) throw refusal(result.reason)
  }

  async function execute(command: TicketCommand): Promise<TicketView> {
    const result = applyCommand(ticket, command, now())
    if (!result.ok) throw refusal(result.reason)
    ticket = result.state
    const version = ticket.version
    await condition(() => savedVersion >= version)
    return toTicketView(ticket)
  }

  setHandler(postMessageUpdate, (message) => execute({ ...message, kind: 'postMessage' }), {
    validator: (message) => validate({ ...message, kind: 'postMessage' }),
  })
  setHandler(assignTicketUpdate, (assignment) => execute({ ...assignment, kind: 'assign' }), {
    validator: (assignment) => validate({ ...assignment, kind: 'assign' }),
  })
  setHandler(changeStatusUpdate, (change) => execute({ ...change, kind: 'changeStatus' }), {
    validator: (change) => validate({ ...change, kind: 'changeStatus' }),
  })
  setHandler(messagePostedSignal, (message) => {
    const result = applyCommand(ticket, { ...message, kind: 'postMessage' }, now())
    if (result.ok) ticket = result.state
    else
      log.warn('messagePosted signal ignored', {
        ticketId: ticket.ticketId,
        messageId: message.messageId,
        reason: result.reason,
      })
  })
  setHandler(ticketViewQuery, () => toTicketView(ticket))

  async function saveChanges(): Promise<void> {
    const snapshot = ticket
    await saveTicketState(toTicketSnapshot(snapshot))
    ticket = withEventsSaved(ticket, snapshot.eventSeq)
    savedVersion = snapshot.version

    const attributes = searchAttributesOf(snapshot)
    const attributesKey = JSON.stringify(attributes.map(({ key, value }) => [key.name, value]))
    if (attributesKey !== upsertedAttributes) {
      upsertSearchAttributes(attributes)
      upsertedAttributes = attributesKey
    }

    for (const notification of notificationsFor(snapshot, snapshot.pendingEvents)) {
      // A notification that cannot be sent (its author was deleted) must not end the ticket.
      await notifyUsers(notification).catch((error: unknown) => {
        if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error
        log.warn('notification dropped', {
          ticketId: snapshot.ticketId,
          dedupeKey: notification.dedupeKey,
          error: error.cause?.message,
        })
      })
    }
  }

  while (ticket.status !== 'closed' || ticket.version > savedVersion) {
    await condition(() => ticket.version > savedVersion)
    await saveChanges()
    if (ticket.status !== 'closed' && workflowInfo().continueAsNewSuggested) {
      // An update handler finishes only once its change is saved: when changes
      // arrive meanwhile, go round and save them instead of waiting forever.
      await condition(() => allHandlersFinished() || ticket.version > savedVersion)
      if (ticket.version === savedVersion) return await continueAsNew<typeof ticketWorkflow>({ ...input, carried: ticket })
    }
  }
  await condition(allHandlersFinished)
  return toTicketView(ticket)
}

/** The workflow's clock replays from history, so the domain may be given it. */
function now(): string {
  return new Date().toISOString()
}

/** What staff filter on in the Temporal UI. SlaState joins these once SLAs exist. */
function searchAttributesOf(ticket: TicketState): SearchAttributeUpdatePair[] {
  return [
    { key: searchAttributes.ticketNumber, value: ticket.number },
    { key: searchAttributes.orgId, value: ticket.orgId },
    { key: searchAttributes.ticketStatus, value: ticket.status },
    { key: searchAttributes.ticketPriority, value: ticket.priority },
    { key: searchAttributes.ticketType, value: ticket.type },
    // Null removes the attribute: an unassigned ticket has none.
    { key: searchAttributes.assigneeId, value: ticket.assigneeId },
    { key: searchAttributes.caseOpen, value: ticket.status !== 'closed' },
  ]
}

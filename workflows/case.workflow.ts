/**
 * One case, opened to closed and reopened while its tickets allow. The workflow
 * holds the case's status and its next actions' deadlines, applies commands
 * through the domain (domain/case-*.ts hold every rule), saves every change
 * before an update returns, and sleeps until the next action or LA deadline of its
 * statutory timeline falls due, when it flags it overdue and tells the action's
 * owner and the case's advocate. Closing resolves the case's open tickets
 * through their own workflows.
 */
import type { UpdateDefinition } from '@temporalio/common'
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow'
import type { CaseActivities } from '../activities/case.ts'
import { applyCaseCommand, type CaseCommand, type CaseRefusal } from '../domain/case-commands.ts'
import { applyCaseDeadlines, caseNotificationsFor, nextCaseDeadlineMs } from '../domain/case-deadlines.ts'
import { initialCaseState, toCaseSnapshot, toCaseView, withCaseEventsSaved, type CaseState, type CaseView } from '../domain/case-state.ts'
import {
  addCaseActionUpdate,
  caseCommandRefusedFailureType,
  caseViewQuery,
  changeCaseActionDueUpdate,
  closeCaseUpdate,
  completeCaseActionUpdate,
  openCaseUpdate,
  reassignCaseUpdate,
  recordCaseStageUpdate,
  recordDeadlineExceptionUpdate,
  reopenCaseActionUpdate,
  reopenCaseUpdate,
  setCaseStatusUpdate,
  STATUTORY_TIMELINE_PATCH,
  type CaseRefusalDetails,
  type CaseWorkflowInput,
} from './case.messages.ts'

// Short database calls and a few signals: local activities, as the ticket's are
// (docs/decisions/005-local-activities.md). No attempt limit: a change must reach
// the database however long it is down; what retrying cannot fix fails at once.
const { saveCaseState, notifyCaseUsers, resolveCaseTickets } = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
})

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  let state: CaseState = input.carried ?? initialCaseState(input)
  // Zero even when carried: the previous run may not have saved its last changes.
  let savedVersion = 0
  const unsaved = () => state.version > savedVersion

  /** Refuses before the update reaches history. */
  function validate(command: CaseCommand): void {
    const at = now()
    const result = applyCaseCommand(applyCaseDeadlines(state, at), command, at)
    if (!result.ok) throw refusalFailure(state, result)
  }

  async function execute(command: CaseCommand): Promise<CaseView> {
    const at = now()
    state = applyCaseDeadlines(state, at)
    const result = applyCaseCommand(state, command, at)
    if (!result.ok) throw refusalFailure(state, result)
    state = result.state
    const version = state.version
    await condition(() => savedVersion >= version)
    return toCaseView(state)
  }

  function handleCommand<I>(update: UpdateDefinition<CaseView, [I]>, toCommand: (input: I) => CaseCommand): void {
    setHandler(update, (input) => execute(toCommand(input)), { validator: (input) => validate(toCommand(input)) })
  }

  handleCommand(setCaseStatusUpdate, (change) => ({ ...change, kind: 'setStatus' }))
  handleCommand(addCaseActionUpdate, (action) => ({ ...action, kind: 'addAction' }))
  handleCommand(completeCaseActionUpdate, (action) => ({ ...action, kind: 'completeAction' }))
  handleCommand(reopenCaseActionUpdate, (action) => ({ ...action, kind: 'reopenAction' }))
  handleCommand(changeCaseActionDueUpdate, (change) => ({ ...change, kind: 'changeActionDue' }))
  handleCommand(reopenCaseUpdate, (reopening) => ({ ...reopening, kind: 'reopen' }))
  // A new update: no running case has one in its history. The marker records, in
  // each history, that this version took the first reassignment.
  setHandler(
    reassignCaseUpdate,
    (reassignment) => {
      patched('team-reassign')
      return execute({ ...reassignment, kind: 'reassign' })
    },
    { validator: (reassignment) => validate({ ...reassignment, kind: 'reassign' }) },
  )
  handleCommand(recordCaseStageUpdate, (stage) => ({ ...stage, kind: 'recordStage' }))
  handleCommand(recordDeadlineExceptionUpdate, (exception) => ({ ...exception, kind: 'recordException' }))

  // Closed and saved first, so the read model says closed before any ticket hears of it.
  setHandler(
    closeCaseUpdate,
    async (closure) => {
      const view = await execute({ ...closure, kind: 'close' })
      const resolved = await resolveCaseTickets({
        orgId: state.orgId,
        caseRef: state.caseRef,
        // One closure, one id: a retried activity resolves no ticket twice.
        commandId: `case-${state.caseId}-closed-v${view.version}`,
      })
      return { view, resolved }
    },
    { validator: (closure) => validate({ ...closure, kind: 'close' }) },
  )

  setHandler(openCaseUpdate, async () => {
    await condition(() => savedVersion >= state.version)
    return toCaseView(state)
  })
  setHandler(caseViewQuery, () => toCaseView(state))

  async function saveChanges(): Promise<void> {
    const snapshot = state
    await saveCaseState(toCaseSnapshot(snapshot))
    state = withCaseEventsSaved(state, snapshot.eventSeq)
    savedVersion = snapshot.version
    for (const notification of caseNotificationsFor(snapshot, snapshot.pendingEvents)) {
      // A notification that cannot be sent (its action or case was deleted) must not end the case.
      await notifyCaseUsers(notification).catch((error: unknown) => {
        if (!activityGaveUp(error)) throw error
        log.warn('case notification dropped', { caseId: snapshot.caseId, dedupeKey: notification.dedupeKey, error: error.message })
      })
    }
  }

  for (;;) {
    // Histories from before the timeline slept for actions only.
    const wakeAt = nextCaseDeadlineMs(state, { statutory: patched(STATUTORY_TIMELINE_PATCH) })
    if (wakeAt === null) await condition(unsaved)
    else await condition(unsaved, Math.max(1, wakeAt - Date.now()))
    state = applyCaseDeadlines(state, now())
    if (unsaved()) await saveChanges()
    if (workflowInfo().continueAsNewSuggested) {
      // An update finishes only once its change is saved: go round and save what arrives meanwhile.
      await condition(() => allHandlersFinished() || unsaved())
      if (!unsaved()) return await continueAsNew<typeof caseWorkflow>({ ...input, carried: state })
    }
  }
}

/** An activity that failed for good (a local activity's non-retryable failure is the ApplicationFailure itself). */
function activityGaveUp(error: unknown): error is ActivityFailure | ApplicationFailure {
  return (error instanceof ActivityFailure || error instanceof ApplicationFailure) && !isCancellation(error)
}

/** The workflow's clock replays from history, so the domain may be given it. */
function now(): string {
  return new Date().toISOString()
}

function refusalFailure(state: CaseState, refusal: CaseRefusal): ApplicationFailure {
  const details: CaseRefusalDetails = { code: refusal.code, caseId: state.caseId }
  return ApplicationFailure.create({ message: refusal.reason, type: caseCommandRefusedFailureType, nonRetryable: true, details: [details] })
}

/**
 * Sending an update to one entity's workflow (a ticket's, a case's) and sorting
 * the answer: applied with its result, pending (accepted but not confirmed in
 * time), refused (the workflow's own "no", with its reason for people), or
 * unavailable (Temporal did not answer before accepting it).
 */
import {
  ApplicationFailure,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type WorkflowUpdateHandle,
} from '@temporalio/client'
import type { UpdateDefinition } from '@temporalio/common'
import type { ServiceContext } from './context.ts'
import { isTemporalUnreachable, rootMessage, TEMPORAL_COMMAND_TIMEOUT_MS, withDeadline } from './temporal.server.ts'

export type UpdateResult<R, Code extends string> =
  | { status: 'applied'; value: R }
  | { status: 'pending'; message: string }
  | { status: 'refused'; message: string; code?: Code }
  | { status: 'unavailable'; message: string }

/** Whose workflow, and how its refusals read. */
export interface UpdateTarget<Code extends string> {
  workflowId: string
  /** "ticket" or "case": what the messages for people call it. */
  noun: string
  /** The ApplicationFailure type of the workflow's own refusals. */
  refusedType: string
  codeOf(failure: ApplicationFailure): Code | undefined
  /** The code of "its workflow has finished". */
  finishedCode: Code
  /** Logged with every outcome. */
  logFields: Record<string, string>
}

export async function sendWorkflowUpdate<R, Arg, Code extends string>(
  ctx: ServiceContext,
  target: UpdateTarget<Code>,
  update: UpdateDefinition<R, [Arg]>,
  arg: Arg,
  updateId?: string,
): Promise<UpdateResult<R, Code>> {
  const { noun, logFields } = target
  const handle = ctx.temporal.workflow.getHandle(target.workflowId)
  // One deadline for the whole exchange: acceptance and result.
  const deadline = Date.now() + TEMPORAL_COMMAND_TIMEOUT_MS
  const remaining = () => Math.max(1, deadline - Date.now())
  let accepted: WorkflowUpdateHandle<R>
  try {
    accepted = await withDeadline(ctx.temporal, remaining(), () =>
      handle.startUpdate(update, { args: [arg], waitForStage: WorkflowUpdateStage.ACCEPTED, updateId }),
    )
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return refused(ctx, target, update.name, error)
    if (error instanceof WorkflowNotFoundError) {
      ctx.log.warn({ err: error, ...logFields, update: update.name }, 'update refused: no running workflow')
      return {
        status: 'refused',
        message: `This ${noun} is no longer open for changes (its workflow has finished).`,
        code: target.finishedCode,
      }
    }
    if (isTemporalUnreachable(error)) {
      ctx.log.warn({ err: error, ...logFields, update: update.name }, 'update not accepted in time')
      return {
        status: 'unavailable',
        message: `The ${noun} service did not respond in time, so the change has not been made yet. Look at the ${noun} in a moment before trying again.`,
      }
    }
    throw error
  }
  try {
    const value = await withDeadline(ctx.temporal, remaining(), () => accepted.result())
    return { status: 'applied', value }
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return refused(ctx, target, update.name, error)
    if (isTemporalUnreachable(error)) {
      ctx.log.warn({ err: error, ...logFields, update: update.name }, 'update accepted but its result did not arrive in time')
      return { status: 'pending', message: `The change was accepted and will show on the ${noun} shortly.` }
    }
    throw error
  }
}

function refused<R, Code extends string>(
  ctx: ServiceContext,
  target: UpdateTarget<Code>,
  update: string,
  error: WorkflowUpdateFailedError,
): UpdateResult<R, Code> {
  // The workflow's own refusals carry a reason written for people; any other
  // failure (a missing handler, a bug) is logged and reported without details.
  if (error.cause instanceof ApplicationFailure && error.cause.type === target.refusedType) {
    ctx.log.info({ ...target.logFields, update, reason: error.cause.message }, `update refused by the ${target.noun} workflow`)
    return { status: 'refused', message: error.cause.message, code: target.codeOf(error.cause) }
  }
  ctx.log.error({ err: error, ...target.logFields, update, cause: rootMessage(error) }, `update failed in the ${target.noun} workflow`)
  return {
    status: 'refused',
    message: `The ${target.noun} could not make that change because of an unexpected error. Nothing was changed.`,
  }
}

/**
 * Commands to one case, for the workspace and the API. Content (a next action's
 * row: its title, owner and author) is written here; every change to the case's
 * lifecycle goes to its workflow as an update, whose answer is returned as it is.
 */
import type { CaseStatus } from '../domain/case.ts'
import type { CaseRefusalCode } from '../domain/case-commands.ts'
import type { CaseView } from '../domain/case-state.ts'
import type { StatutoryDeadlineKey, StatutoryExceptionReason, StatutoryStage } from '../domain/statutory-periods.ts'
import type { UpdateDefinition } from '@temporalio/common'
import type { Prisma } from '../generated/prisma/client.ts'
import {
  addCaseActionUpdate,
  caseCommandRefusedFailureType,
  caseRefusalDetailsOf,
  caseWorkflowId,
  changeCaseActionDueUpdate,
  closeCaseUpdate,
  completeCaseActionUpdate,
  reassignCaseUpdate,
  recordCaseStageUpdate,
  recordDeadlineExceptionUpdate,
  reopenCaseActionUpdate,
  reopenCaseUpdate,
  setCaseStatusUpdate,
} from '../workflows/case.messages.ts'
import { caseScope, isCoverOnly } from './case-access.server.ts'
import type { ServiceContext } from './context.ts'
import { sendWorkflowUpdate, type UpdateResult } from './workflow-updates.server.ts'

/** The workflow's refusal codes, and the service's own: an actor who only covers the case. */
export type CaseCommandRefusalCode = CaseRefusalCode | 'cover_only'

export type CaseCommandResult<R = CaseView> = UpdateResult<R, CaseCommandRefusalCode>

type CaseRef = { id: string }

/**
 * Cover keeps the family answered; where the case stands (its status, closing,
 * reopening) stays with its advocate and admins. Null when the actor may.
 */
async function coverRefusal(ctx: ServiceContext, kase: CaseRef, actor: { id: string }) {
  const row = await ctx.db.case.findUniqueOrThrow({ where: { id: kase.id }, select: { id: true, orgId: true, advocateId: true } })
  if (!isCoverOnly(await caseScope(ctx.db, { orgId: row.orgId, userId: actor.id }), row)) return null
  return {
    status: 'refused' as const,
    message: 'Only the case’s advocate or an admin changes its status, closes or reopens it; cover replies and adds notes.',
    code: 'cover_only' as const,
  }
}

export async function setCaseStatus(
  ctx: ServiceContext,
  input: { case: CaseRef; actor: { id: string }; status: CaseStatus },
): Promise<CaseCommandResult> {
  const refused = await coverRefusal(ctx, input.case, input.actor)
  if (refused) return refused
  return sendCaseUpdate(ctx, input.case.id, setCaseStatusUpdate, { status: input.status, actorId: input.actor.id })
}

/**
 * A next action: its row first (the workflow carries only its id), then the
 * update. A refused one takes its row with it; one not confirmed in time keeps
 * it, since the update may still apply.
 */
export async function addCaseAction(
  ctx: ServiceContext,
  input: {
    case: CaseRef
    actor: { id: string }
    title: string
    ownerId: string | null
    dueAt: Date | null
    /** Runs in the transaction that writes the row: the API's idempotency record points at the action this way. */
    inTransaction?: (tx: Prisma.TransactionClient, action: { id: string }) => Promise<void>
  },
): Promise<CaseCommandResult> {
  const kase = await ctx.db.case.findUniqueOrThrow({ where: { id: input.case.id }, select: { orgId: true } })
  if (input.ownerId) {
    const member = await ctx.db.membership.findFirst({
      where: { orgId: kase.orgId, userId: input.ownerId, role: { in: ['staff', 'admin'] } },
      select: { id: true },
    })
    if (!member) return { status: 'refused', message: 'That person is not on this organisation’s team.', code: 'invalid_input' }
  }
  const action = await ctx.db.$transaction(async (tx) => {
    const created = await tx.task.create({
      data: { orgId: kase.orgId, caseId: input.case.id, title: input.title, ownerId: input.ownerId, createdById: input.actor.id },
      select: { id: true },
    })
    await input.inTransaction?.(tx, created)
    return created
  })
  const result = await sendCaseUpdate(
    ctx,
    input.case.id,
    addCaseActionUpdate,
    { actionId: action.id, ownerId: input.ownerId, dueAt: input.dueAt?.toISOString() ?? null, actorId: input.actor.id },
    `action-${action.id}`,
  )
  if (result.status === 'refused') await ctx.db.task.deleteMany({ where: { id: action.id } })
  return result
}

export async function completeCaseAction(ctx: ServiceContext, input: { case: CaseRef; actor: { id: string }; actionId: string }) {
  return sendCaseUpdate(ctx, input.case.id, completeCaseActionUpdate, { actionId: input.actionId, actorId: input.actor.id })
}

export async function reopenCaseAction(ctx: ServiceContext, input: { case: CaseRef; actor: { id: string }; actionId: string }) {
  return sendCaseUpdate(ctx, input.case.id, reopenCaseActionUpdate, { actionId: input.actionId, actorId: input.actor.id })
}

export async function changeCaseActionDue(
  ctx: ServiceContext,
  input: { case: CaseRef; actor: { id: string }; actionId: string; dueAt: Date | null },
) {
  return sendCaseUpdate(ctx, input.case.id, changeCaseActionDueUpdate, {
    actionId: input.actionId,
    dueAt: input.dueAt?.toISOString() ?? null,
    actorId: input.actor.id,
  })
}

/**
 * Closes the case and resolves its open tickets ("case closed"), through its
 * workflow: the workspace's close and the API's. Answers the tickets resolved.
 * A null actor is an integration.
 */
export async function closeCase(ctx: ServiceContext, input: { case: CaseRef; actor: { id: string } | null; reason?: string }) {
  const refused = input.actor && (await coverRefusal(ctx, input.case, input.actor))
  if (refused) return refused
  return sendCaseUpdate(ctx, input.case.id, closeCaseUpdate, { reason: input.reason ?? '', actorId: input.actor?.id ?? null })
}

/**
 * The case system reports a case closed (POST /api/v1/cases/{caseRef}/close):
 * the tickets resolved, or none for an unknown or already closed case.
 */
export async function closeCaseByReference(
  ctx: ServiceContext,
  input: { orgId: string; caseRef: string },
): Promise<CaseCommandResult<number[]>> {
  const kase = await ctx.db.case.findUnique({ where: { orgId_caseRef: input }, select: { id: true, status: true } })
  if (!kase || kase.status === 'closed') return { status: 'applied', value: [] }
  const result = await closeCase(ctx, { case: kase, actor: null })
  if (result.status === 'applied') return { status: 'applied', value: result.value.resolved }
  // Closed meanwhile (a repeat racing the first): nothing left to resolve.
  if (result.status === 'refused' && result.code === 'case_closed') return { status: 'applied', value: [] }
  return result
}

/** A closed case back open, while one of its tickets is not closed (read here, checked by the workflow). */
export async function reopenCase(ctx: ServiceContext, input: { case: CaseRef; actor: { id: string } }) {
  const refused = await coverRefusal(ctx, input.case, input.actor)
  if (refused) return refused
  const kase = await ctx.db.case.findUniqueOrThrow({ where: { id: input.case.id }, select: { orgId: true, caseRef: true } })
  // By reference: the join (Ticket.caseId) may lag a moment behind a new link.
  const openTicket = await ctx.db.ticket.findFirst({ where: { ...kase, status: { not: 'closed' } }, select: { id: true } })
  return sendCaseUpdate(ctx, input.case.id, reopenCaseUpdate, { actorId: input.actor.id, hasOpenTickets: openTicket !== null })
}

/**
 * The case's timeline records its move from `fromId` (the row's advocate now) to
 * `toId`; the same move repeated (after a crash) is accepted as done. The row
 * and the tickets follow in services/reassignment.server.ts.
 */
export async function sendCaseReassignment(
  ctx: ServiceContext,
  input: { case: CaseRef; actor: { id: string }; fromId: string | null; toId: string },
) {
  const { fromId, toId } = input
  return sendCaseUpdate(ctx, input.case.id, reassignCaseUpdate, { fromId, toId, actorId: input.actor.id })
}

/** The day a stage of the statutory timeline began, counted in the organisation's zone. */
export async function recordCaseStage(
  ctx: ServiceContext,
  input: { case: CaseRef; actor: { id: string }; stage: StatutoryStage; date: string },
) {
  const { org } = await ctx.db.case.findUniqueOrThrow({ where: { id: input.case.id }, select: { org: { select: { timezone: true } } } })
  return sendCaseUpdate(ctx, input.case.id, recordCaseStageUpdate, {
    stage: input.stage,
    date: input.date,
    timezone: org.timezone,
    actorId: input.actor.id,
  })
}

/** An exception the Regulations allow to an LA deadline: it then reads "exception", not overdue. */
export async function recordDeadlineException(
  ctx: ServiceContext,
  input: { case: CaseRef; actor: { id: string }; key: StatutoryDeadlineKey; reason: StatutoryExceptionReason },
) {
  return sendCaseUpdate(ctx, input.case.id, recordDeadlineExceptionUpdate, {
    key: input.key,
    reason: input.reason,
    actorId: input.actor.id,
  })
}

async function sendCaseUpdate<R, Arg>(
  ctx: ServiceContext,
  caseId: string,
  update: UpdateDefinition<R, [Arg]>,
  arg: Arg,
  updateId?: string,
): Promise<CaseCommandResult<R>> {
  return sendWorkflowUpdate(
    ctx,
    {
      workflowId: caseWorkflowId(caseId),
      noun: 'case',
      refusedType: caseCommandRefusedFailureType,
      codeOf: (failure) => caseRefusalDetailsOf(failure)?.code,
      finishedCode: 'case_closed' as CaseRefusalCode,
      logFields: { caseId },
    },
    update,
    arg,
    updateId,
  )
}

/**
 * Opening cases, for assignment, case links, ticket creation and the worker's
 * sweep. A case is keyed by (orgId, caseRef): `CASE-<number>` when an assignment
 * opens it, an outside system's reference as it is otherwise. As with tickets,
 * the row is written first, then its workflow opened by update-with-start; a row
 * its workflow never saved is opened by the sweep (openUnstartedCases).
 */
import { WithStartWorkflowOperation } from '@temporalio/client'
import { caseRefOfNumber } from '../domain/case.ts'
import type { CaseView } from '../domain/case-state.ts'
import { Prisma } from '../generated/prisma/client.ts'
import { caseWorkflowId, openCaseUpdate, openCaseUpdateId, type CaseWorkflowInput } from '../workflows/case.messages.ts'
import type { AuditVia } from './audit.server.ts'
import { checkCapacity, recordCapacityOverride } from './capacity.server.ts'
import type { ServiceContext } from './context.ts'
import { isTemporalUnreachable, TEMPORAL_COMMAND_TIMEOUT_MS, withDeadline } from './temporal.server.ts'

/** The workflow type registered by the worker (workflows/case.workflow.ts). */
export const CASE_WORKFLOW_TYPE = 'caseWorkflow'

/** What callers need of a case: its keys and its advocate. */
export const caseSummarySelect = {
  id: true,
  orgId: true,
  number: true,
  caseRef: true,
  familyId: true,
  advocateId: true,
} as const satisfies Prisma.CaseSelect

export type CaseSummary = Prisma.CaseGetPayload<{ select: typeof caseSummarySelect }>

/** What a case's workflow is started from: its row. */
const openingSelect = {
  ...caseSummarySelect,
  status: true,
  openedAt: true,
  closedAt: true,
  closeReason: true,
  org: { select: { name: true } },
} as const satisfies Prisma.CaseSelect

type CaseOpeningRow = Prisma.CaseGetPayload<{ select: typeof openingSelect }>

export interface NewCase {
  orgId: string
  familyId: string
  childName?: string | null
  advocateId?: string | null
  /** An outside system's reference; without one the case is CASE-<number>. */
  caseRef?: string
  /** The ticket whose assignment opens it. */
  openedForTicketId?: string
  /** Runs in the transaction that writes the row: the API's idempotency record points at the case this way. */
  inTransaction?: (tx: Prisma.TransactionClient, kase: { id: string; caseRef: string }) => Promise<void>
}

/** Tries when an outside reference equal to CASE-<number> is written at the same moment. */
const NUMBERING_ATTEMPTS = 5

/**
 * A new case: its number and row, then its workflow. Temporal not answering (or
 * refusing) leaves the row for the sweep: a case, once written, gets its workflow.
 * Throws Prisma's unique violation when the reference (or the ticket) has a case already.
 */
export async function openCase(ctx: ServiceContext, input: NewCase): Promise<CaseSummary> {
  for (let attempt = 1; ; attempt++) {
    try {
      const row = await ctx.db.$transaction(async (tx) => {
        const allocate = async () => {
          const [allocated] = await tx.$queryRaw<{ lastCaseNumber: number }[]>`
            UPDATE "Organisation" SET "lastCaseNumber" = "lastCaseNumber" + 1
            WHERE id = ${input.orgId}::uuid RETURNING "lastCaseNumber"`
          if (!allocated) throw new Error(`Organisation ${input.orgId} does not exist`)
          return allocated.lastCaseNumber
        }
        let number = await allocate()
        // An outside system may already use CASE-<number> as its own reference: skip that number.
        while (
          !input.caseRef &&
          (await tx.case.findUnique({ where: { orgId_caseRef: { orgId: input.orgId, caseRef: caseRefOfNumber(number) } } }))
        )
          number = await allocate()
        const created = await tx.case.create({
          data: {
            orgId: input.orgId,
            number,
            caseRef: input.caseRef ?? caseRefOfNumber(number),
            familyId: input.familyId,
            childName: input.childName ?? null,
            advocateId: input.advocateId ?? null,
            openedForTicketId: input.openedForTicketId ?? null,
          },
          select: openingSelect,
        })
        await input.inTransaction?.(tx, created)
        return created
      })
      await openCaseWorkflow(ctx, row)
      ctx.log.info({ caseId: row.id, orgId: row.orgId, caseRef: row.caseRef }, 'case opened')
      return summaryOf(row)
    } catch (error) {
      const numberTaken = !input.caseRef && uniqueViolationOn(error, 'caseRef')
      if (!numberTaken || attempt >= NUMBERING_ATTEMPTS) throw error
    }
  }
}

/**
 * The case with this reference, opened for `familyId` if there is none yet: what
 * linking a ticket to a reference does first. Two callers at once get one case.
 */
export async function caseForReference(
  ctx: ServiceContext,
  input: { orgId: string; caseRef: string; familyId: string; childName?: string | null; advocateId?: string | null },
): Promise<CaseSummary> {
  const existing = await findByReference(ctx, input.orgId, input.caseRef)
  if (existing) return existing
  try {
    return await openCase(ctx, input)
  } catch (error) {
    if (!uniqueViolationOn(error, 'caseRef')) throw error
    const joined = await findByReference(ctx, input.orgId, input.caseRef)
    if (!joined) throw error
    return joined
  }
}

/**
 * The case an assignment puts the ticket in: the one its reference names (whose
 * advocate becomes `advocateId` if it has none), the one an earlier try opened for
 * it, or a new CASE-<number> for its family in the advocate's name. Linking the
 * ticket to it is the caller's (the ticket workflow's linkCase).
 */
export async function openCaseForTicket(ctx: ServiceContext, ticket: { id: string }, advocateId: string): Promise<CaseSummary> {
  const row = await ctx.db.ticket.findUniqueOrThrow({
    where: { id: ticket.id },
    select: { orgId: true, requesterId: true, childName: true, caseRef: true },
  })
  const family = { orgId: row.orgId, familyId: row.requesterId, childName: row.childName, advocateId }
  if (row.caseRef) {
    const joined = await caseForReference(ctx, { ...family, caseRef: row.caseRef })
    if (joined.advocateId) return joined
    await ctx.db.case.updateMany({ where: { id: joined.id, advocateId: null }, data: { advocateId } })
    return { ...joined, advocateId: (await findByReference(ctx, row.orgId, row.caseRef))?.advocateId ?? advocateId }
  }
  const openedBefore = await ctx.db.case.findUnique({ where: { openedForTicketId: ticket.id }, select: caseSummarySelect })
  if (openedBefore) return openedBefore
  try {
    return await openCase(ctx, { ...family, openedForTicketId: ticket.id })
  } catch (error) {
    if (!uniqueViolationOn(error, 'openedForTicketId')) throw error
    return await ctx.db.case.findUniqueOrThrow({ where: { openedForTicketId: ticket.id }, select: caseSummarySelect })
  }
}

type Opened = { status: 'opened'; view: CaseView } | { status: 'unconfirmed'; error: unknown }

/** Starts (or joins) the case's workflow from its row and waits for its first save; the creator's call and the sweep's are one. */
async function openCaseWorkflow(ctx: ServiceContext, row: CaseOpeningRow): Promise<Opened> {
  const workflowInput: CaseWorkflowInput = {
    caseId: row.id,
    orgId: row.orgId,
    number: row.number,
    caseRef: row.caseRef,
    openedAt: row.openedAt.toISOString(),
    status: row.status,
    closedAt: row.closedAt?.toISOString() ?? null,
    closeReason: row.closeReason,
  }
  const startWorkflowOperation = new WithStartWorkflowOperation(CASE_WORKFLOW_TYPE, {
    workflowId: caseWorkflowId(row.id),
    taskQueue: ctx.env.TEMPORAL_TASK_QUEUE,
    args: [workflowInput],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: `${row.org.name} ${row.caseRef}`,
  })
  try {
    const view = await withDeadline(ctx.temporal, TEMPORAL_COMMAND_TIMEOUT_MS, () =>
      ctx.temporal.workflow.executeUpdateWithStart(openCaseUpdate, { updateId: openCaseUpdateId(row.id), startWorkflowOperation }),
    )
    return { status: 'opened', view }
  } catch (error) {
    // The row stands either way: the sweep opens it once Temporal answers.
    if (isTemporalUnreachable(error)) ctx.log.warn({ err: error, caseId: row.id }, 'the case workflow did not confirm its start in time')
    else ctx.log.error({ err: error, caseId: row.id }, 'the case workflow did not start; the sweep tries again')
    return { status: 'unconfirmed', error }
  }
}

/** The worker's sweep: case rows older than `olderThanMs` that their workflow never saved get it started (or joined). */
export async function openUnstartedCases(ctx: ServiceContext, input: { olderThanMs: number; limit?: number }): Promise<number> {
  const rows = await ctx.db.case.findMany({
    where: { stateVersion: 0, createdAt: { lt: new Date(Date.now() - input.olderThanMs) } },
    orderBy: { createdAt: 'asc' },
    take: input.limit ?? 50,
    select: openingSelect,
  })
  let opened = 0
  for (const row of rows) if ((await openCaseWorkflow(ctx, row)).status === 'opened') opened++
  return opened
}

async function findByReference(ctx: ServiceContext, orgId: string, caseRef: string): Promise<CaseSummary | null> {
  return await ctx.db.case.findUnique({ where: { orgId_caseRef: { orgId, caseRef } }, select: caseSummarySelect })
}

function summaryOf(row: CaseOpeningRow): CaseSummary {
  const { id, orgId, number, caseRef, familyId, advocateId } = row
  return { id, orgId, number, caseRef, familyId, advocateId }
}

function uniqueViolationOn(error: unknown, field: string): boolean {
  // Through the driver adapter the constraint's fields sit deeper in `meta` than `target`.
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002' && JSON.stringify(error.meta ?? {}).includes(field)
}

export type RequestedCase =
  { status: 'opened'; case: CaseSummary } | { status: 'refused'; code: 'reference_taken' | 'at_capacity'; message: string }

/**
 * A case opened on request (the integration API) rather than by an assignment:
 * for a family of the organisation, in an advocate's name. An advocate at
 * capacity is refused unless an admin overrides it (audited), as an assignment
 * is. A reference some case already has is refused, not joined: the caller
 * asked for a new case.
 */
export async function openRequestedCase(
  ctx: ServiceContext,
  input: NewCase & { advocateId: string; actorId: string; override: boolean; via: AuditVia },
): Promise<RequestedCase> {
  const { actorId, override, via, ...newCase } = input
  const capacity = await checkCapacity(ctx.db, { orgId: input.orgId, opening: 'case', advocateId: input.advocateId, actorId, override })
  if (capacity.status === 'at_capacity') return { status: 'refused', code: 'at_capacity', message: capacity.message }
  let opened: CaseSummary
  try {
    opened = await openCase(ctx, newCase)
  } catch (error) {
    if (!input.caseRef || !uniqueViolationOn(error, 'caseRef')) throw error
    return { status: 'refused', code: 'reference_taken', message: `A case with the reference ${input.caseRef} exists already.` }
  }
  if (capacity.status === 'overridden')
    await recordCapacityOverride(ctx.db, { orgId: input.orgId, actorId, via, opened: { caseRef: opened.caseRef }, load: capacity.load })
  return { status: 'opened', case: opened }
}

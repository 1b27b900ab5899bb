/**
 * Every call the portal makes to Temporal is bounded: no worker may be running,
 * and a page must answer anyway. These helpers put a deadline on a call and
 * sort its failures into "Temporal did not answer" and the rest.
 */
import { isGrpcServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client'
import { TemporalTimeoutError } from '../lib/temporal.ts'

export { TEMPORAL_COMMAND_TIMEOUT_MS, TemporalTimeoutError, withDeadline } from '../lib/temporal.ts'
/** Starting a workflow. */
export const TEMPORAL_START_TIMEOUT_MS = 5_000
/** Reading a live ticket, or cleaning up: short, because the caller has a fallback. */
export const TEMPORAL_QUERY_TIMEOUT_MS = 3_000

// gRPC status codes (grpc-js `status`), kept here to avoid a direct dependency.
const CANCELLED = 1
const DEADLINE_EXCEEDED = 4
const UNAVAILABLE = 14

function grpcCode(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e.code
  }
  return undefined
}

/** Temporal did not answer in time, or could not be reached at all. */
export function isTemporalUnreachable(error: unknown): boolean {
  if (error instanceof TemporalTimeoutError || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true
  const code = grpcCode(error)
  return code === DEADLINE_EXCEEDED || code === UNAVAILABLE || code === CANCELLED
}

/** The deepest message in a cause chain: the workflow's own refusal text for a failed update. */
export function rootMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error)
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.message) message = e.message
  }
  return message
}

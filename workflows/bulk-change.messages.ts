/**
 * The bulk change workflow's contract: one run of changes per BulkJob, its id
 * from the job's, its progress readable by a query (the BulkJob row says the same).
 */
import { defineQuery } from '@temporalio/workflow'
import type { BulkProgress } from '../domain/bulk-changes.ts'

export const BULK_CHANGE_WORKFLOW = 'bulkChangeWorkflow'

export interface BulkChangeInput {
  jobId: string
}

export function bulkChangeWorkflowId(jobId: string): string {
  return `bulk-change-${jobId}`
}

export type BulkJobProgress = BulkProgress & { state: 'running' | 'finished' }

export const bulkProgressQuery = defineQuery<BulkJobProgress>('bulkProgress')

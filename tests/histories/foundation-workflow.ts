/**
 * The frozen first version of the ticket workflow (./foundation-workflow/), bundled
 * for a worker, so tests and ./export.ts can start tickets the way
 * that version did and hand them to the current code.
 */
import { fileURLToPath } from 'node:url'
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker'

const workflowsPath = fileURLToPath(new URL('./foundation-workflow/workflows/index.ts', import.meta.url))

export async function bundleFoundationWorkflow(): Promise<WorkflowBundleWithSourceMap> {
  return await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') })
}

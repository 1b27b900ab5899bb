/**
 * Every recorded history (this folder, written by ./export.ts from this and
 * earlier versions of the workflow) replays against the current code: a change
 * that would break a running ticket fails here, not in production.
 */
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { beforeAll, expect, test } from 'vitest'
import { bundleTicketWorkflows } from '../../worker/run-worker.ts'
import { recordedHistories } from './history-json.ts'

let workflowBundle: WorkflowBundleWithSourceMap

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } })
  } catch {
    // Another test file in this process installed it first.
  }
  workflowBundle = await bundleTicketWorkflows()
})

test('every recorded ticket history replays against the current workflow code', async () => {
  const histories = await recordedHistories()
  // The foundation's histories at least, and the current version's.
  expect(histories.length).toBeGreaterThanOrEqual(5)
  const failures: string[] = []
  const results = Worker.runReplayHistories({ workflowBundle, replayName: 'ticket-replay' }, histories)
  for await (const result of results) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`)
  }
  expect(failures).toEqual([])
  expect(histories.map((h) => h.file)).toContain('foundation-conversation.json')
})

test('the workflow bundle leaves out zod, whose schemas the sandbox would build again for every ticket', () => {
  expect(workflowBundle.code).not.toContain('node_modules/zod/')
})

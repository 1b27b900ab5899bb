/**
 * Records representative ticket histories for the replay test:
 * `node --import tsx tests/histories/export.ts [--tag <tag>] [--only <scenario,...>]`.
 *
 * Each scenario (./scenarios.ts) drives one ticket workflow on its own Temporal
 * time-skipping test server (days and weeks pass in moments) with in-memory
 * activities, and writes its history to tests/histories/<tag>-<scenario>.json.
 * Histories recorded from older workflow code are kept (foundation-*.json came
 * from the first version, before SLAs): ./replay.test.ts replays every file
 * against the current code, so a change that would break a running ticket fails
 * the build. After a change made compatible with patched(), record again under a
 * new tag and keep the old files.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { WithStartWorkflowOperation } from '@temporalio/client'
import { TestWorkflowEnvironment } from '@temporalio/testing'
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import type { CaseActivities } from '../../activities/case.ts'
import type { DigestActivities } from '../../activities/digest.ts'
import type { TicketActivities } from '../../activities/index.ts'
import { defaultSlaPolicy, slaPolicyToJson } from '../../domain/sla.ts'
import { projectRoot } from '../../scripts/lib/paths.ts'
import { indexedValueTypes } from '../../scripts/lib/temporal-server.ts'
import { ensureTimeSkippingServer } from '../../scripts/lib/test-server.ts'
import { bundleTicketWorkflows } from '../../worker/run-worker.ts'
import { caseWorkflowId, openCaseUpdate, openCaseUpdateId } from '../../workflows/case.messages.ts'
import { MAIL_DIGEST_WORKFLOW, mailDigestWorkflowId } from '../../workflows/mail-digest.messages.ts'
import type { mailDigestWorkflow } from '../../workflows/mail-digest.workflow.ts'
import {
  openTicketUpdate,
  openTicketUpdateId,
  searchAttributes,
  ticketWorkflowId,
  type TicketWorkflowInput,
} from '../../workflows/ticket.messages.ts'
import type { ticketWorkflow } from '../../workflows/ticket.workflow.ts'
import { bundleFoundationWorkflow } from './foundation-workflow.ts'
import { HISTORIES_DIR, writeHistory } from './history-json.ts'
import { idle, opening, SCENARIOS, type Handle, type Scenario } from './scenarios.ts'
import { CASE_SCENARIOS, caseOpening, type CaseHandle, type CaseScenario } from './case-scenarios.ts'
import { DIGEST_SCENARIOS, type DigestScenario } from './digest-scenarios.ts'

const TASK_QUEUE = 'ticket-history-export'
/** The workflow code the histories come from; bump it when recording after a patched change. */
const DEFAULT_TAG = 'lifecycle'
/** The same for the case workflow's histories. */
const DEFAULT_CASE_TAG = 'case'
/** And for the daily digest's. */
const DEFAULT_DIGEST_TAG = 'digest'

/** In-memory activities: the histories record what the workflow asked for, not what the database did. */
function stubActivities(): TicketActivities & CaseActivities & DigestActivities {
  return {
    async planDigest() {
      return { timezone: 'Europe/London', hasDigestTopic: true }
    },
    async sendDigest() {
      return 'handed' as const
    },
    async saveCaseState() {},
    async notifyCaseUsers() {},
    async resolveCaseTickets() {
      return []
    },
    async saveTicketState() {},
    async notifyUsers() {},
    async flagTaskOverdue() {
      return true
    },
    async loadSlaPolicy() {
      return slaPolicyToJson(defaultSlaPolicy())
    },
  }
}

/**
 * Starts the scenario's ticket. With `openTicket`, the way the creator does
 * (services/ticket-creation.server.ts): update-with-start, which the Java
 * time-skipping server runs as the real one does (ExecuteMultiOperation). Its
 * answer needs a worker, so it is left among what to await once one runs.
 */
async function startTicket(
  env: TestWorkflowEnvironment,
  scenario: Scenario,
  input: TicketWorkflowInput,
): Promise<{ handle: Handle; opened: Promise<unknown>[] }> {
  const workflowId = ticketWorkflowId(input.ticketId)
  if (!scenario.openTicket) {
    const handle = await env.client.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
      args: [input],
      workflowId,
      taskQueue: TASK_QUEUE,
    })
    return { handle, opened: [] }
  }
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof ticketWorkflow>('ticketWorkflow', {
    workflowId,
    taskQueue: TASK_QUEUE,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: searchAttributes.ticketNumber, value: input.number },
      { key: searchAttributes.orgId, value: input.orgId },
      { key: searchAttributes.ticketStatus, value: 'new' },
      { key: searchAttributes.ticketPriority, value: input.priority },
      { key: searchAttributes.ticketType, value: input.type },
    ],
  })
  const opened = env.client.workflow.executeUpdateWithStart(openTicketUpdate, {
    args: [scenario.openTicket],
    updateId: openTicketUpdateId(input.ticketId),
    startWorkflowOperation,
  })
  // Awaited with the early commands once a worker runs; until then its failure is not unhandled.
  opened.catch(() => undefined)
  return { handle: env.client.workflow.getHandle<typeof ticketWorkflow>(workflowId), opened: [opened] }
}

async function record(name: string, scenario: Scenario, tag: string, server: string, bundles: Bundles): Promise<string> {
  // A server per scenario: tickets left running by one must not fire timers into the next.
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: server } } })
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: indexedValueTypes(Object.values(searchAttributes)),
    })
    // A carried state names its own ticket: the run must be that ticket's.
    const input = opening({ ...scenario.input, ...(scenario.input?.carried && { ticketId: scenario.input.carried.ticketId }) })
    const { handle, opened } = await startTicket(env, scenario, input)
    const early = [...opened, ...(scenario.beforeWorker?.(handle) ?? [])]
    // Let the server take them in before the first workflow task is polled.
    await new Promise((resolve) => setTimeout(resolve, 500))
    if (scenario.underFoundation) {
      const foundation = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: TASK_QUEUE,
        workflowBundle: await bundles.foundation(),
        activities: stubActivities(),
        // No sticky cache: the next worker must get the whole history.
        maxCachedWorkflows: 0,
      })
      await foundation.runUntil(async () => {
        await Promise.all(early.splice(0))
        await scenario.underFoundation!(handle, env)
        // A deploy lets the old worker finish what it started.
        await idle(handle)
      })
    }
    if (scenario.run) {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: TASK_QUEUE,
        workflowBundle: bundles.current,
        activities: stubActivities(),
      })
      await worker.runUntil(async () => {
        await Promise.all(early)
        await scenario.run!(handle, env)
      })
    }
    // A history the first version made alone is the first version's, whatever the tag.
    const file = path.join(HISTORIES_DIR, `${scenario.run ? tag : 'foundation'}-${name}.json`)
    await writeHistory(file, await handle.fetchHistory())
    return file
  } finally {
    await env.teardown()
  }
}

/** A case opened as the service opens it (update-with-start carrying openCase), then worked by `scenario.run`. */
async function recordCase(name: string, scenario: CaseScenario, tag: string, server: string, bundle: WorkflowBundleWithSourceMap) {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: server } } })
  try {
    const input = caseOpening({ openedAt: new Date(await env.currentTimeMs()).toISOString(), ...scenario.input })
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle: bundle,
      activities: stubActivities(),
    })
    const handle: CaseHandle = env.client.workflow.getHandle(caseWorkflowId(input.caseId))
    await worker.runUntil(async () => {
      const startWorkflowOperation = new WithStartWorkflowOperation('caseWorkflow', {
        workflowId: caseWorkflowId(input.caseId),
        taskQueue: TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      })
      await env.client.workflow.executeUpdateWithStart(openCaseUpdate, { updateId: openCaseUpdateId(input.caseId), startWorkflowOperation })
      await scenario.run(handle, env)
    })
    const file = path.join(HISTORIES_DIR, `${tag}-${name}.json`)
    await writeHistory(file, await handle.fetchHistory())
    return file
  } finally {
    await env.teardown()
  }
}

/** One run of a person's digest, from its start to its continue-as-new. */
async function recordDigest(name: string, scenario: DigestScenario, tag: string, server: string, bundle: WorkflowBundleWithSourceMap) {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: server } } })
  try {
    const userId = '00000000-0000-4000-8000-000000000004'
    const stubs = stubActivities()
    const { whileSending } = scenario
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle: bundle,
      activities: whileSending
        ? {
            ...stubs,
            async sendDigest(input: Parameters<typeof stubs.sendDigest>[0]) {
              await whileSending(env.client.workflow.getHandle(mailDigestWorkflowId(userId)))
              return await stubs.sendDigest(input)
            },
          }
        : stubs,
    })
    let firstRunId = ''
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof mailDigestWorkflow>(MAIL_DIGEST_WORKFLOW, {
        workflowId: mailDigestWorkflowId(userId),
        taskQueue: TASK_QUEUE,
        args: [{ userId }],
      })
      firstRunId = handle.firstExecutionRunId
      await scenario.run(handle, env)
    })
    // The first run's history: the one that ends by continuing as new.
    const firstRun = env.client.workflow.getHandle(mailDigestWorkflowId(userId), firstRunId)
    const file = path.join(HISTORIES_DIR, `${tag}-${name}.json`)
    await writeHistory(file, await firstRun.fetchHistory())
    return file
  } finally {
    await env.teardown()
  }
}

interface Bundles {
  current: WorkflowBundleWithSourceMap
  foundation(): Promise<WorkflowBundleWithSourceMap>
}

async function main() {
  const { values } = parseArgs({
    options: { tag: { type: 'string' }, only: { type: 'string' } },
    strict: true,
  })
  const only = values.only?.split(',')
  const names = Object.keys(SCENARIOS).filter((name) => !only || only.includes(name))
  const caseNames = Object.keys(CASE_SCENARIOS).filter((name) => !only || only.includes(name))
  const digestNames = Object.keys(DIGEST_SCENARIOS).filter((name) => !only || only.includes(name))
  if (only && names.length + caseNames.length + digestNames.length !== only.length)
    throw new Error(
      `Unknown scenario in --only; known: ${[...Object.keys(SCENARIOS), ...Object.keys(CASE_SCENARIOS), ...Object.keys(DIGEST_SCENARIOS)].join(', ')}`,
    )

  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  })
  const server = await ensureTimeSkippingServer()
  let foundation: Promise<WorkflowBundleWithSourceMap> | undefined
  const bundles: Bundles = { current: await bundleTicketWorkflows(), foundation: () => (foundation ??= bundleFoundationWorkflow()) }
  await mkdir(HISTORIES_DIR, { recursive: true })
  for (const name of names) {
    const scenario = SCENARIOS[name]!
    const file = await record(name, scenario, values.tag ?? DEFAULT_TAG, server, bundles)
    console.log(`${path.relative(projectRoot, file)}: ${scenario.about}`)
  }
  for (const name of caseNames) {
    const scenario = CASE_SCENARIOS[name]!
    const file = await recordCase(name, scenario, values.tag ?? DEFAULT_CASE_TAG, server, bundles.current)
    console.log(`${path.relative(projectRoot, file)}: ${scenario.about}`)
  }
  for (const name of digestNames) {
    const scenario = DIGEST_SCENARIOS[name]!
    const file = await recordDigest(name, scenario, values.tag ?? DEFAULT_DIGEST_TAG, server, bundles.current)
    console.log(`${path.relative(projectRoot, file)}: ${scenario.about}`)
  }
}

await main()

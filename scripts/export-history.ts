/**
 * Records representative ticket histories for the replay test:
 * `tsx scripts/export-history.ts [--tag <tag>] [--only <scenario,...>]`.
 *
 * Each scenario drives one ticket workflow on Temporal's time-skipping test server
 * (days and weeks pass in moments) with in-memory activities, and writes its
 * history to tests/histories/<tag>-<scenario>.json. Histories recorded from older
 * workflow code are kept: the replay test replays every file against the current
 * code, so a change that would break a running ticket fails the build.
 */
import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { WorkflowHandle } from '@temporalio/client'
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js'
import { TestWorkflowEnvironment } from '@temporalio/testing'
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker'
import type { TicketActivities } from '../activities/index.ts'
import { HISTORIES_DIR, writeHistory } from '../tests/histories/history-json.ts'
import { applyCommand, initialTicketState, type TicketCommand, type TicketState } from '../domain/ticket-state.ts'
import { bundleTicketWorkflows } from '../worker/run-worker.ts'
import {
  assignTicketUpdate,
  changeStatusUpdate,
  messagePostedSignal,
  postMessageUpdate,
  searchAttributes,
  ticketViewQuery,
  ticketWorkflowId,
  type PostMessageInput,
  type TicketWorkflowInput,
} from '../workflows/ticket.messages.ts'
import type { ticketWorkflow } from '../workflows/ticket.workflow.ts'
import { projectRoot } from './lib/paths.ts'
import { ensureTimeSkippingServer } from './lib/test-server.ts'

const TASK_QUEUE = 'ticket-history-export'
/** The workflow code the histories come from; bump it when recording after a patched change. */
const DEFAULT_TAG = 'foundation'

const REQUESTER = '00000000-0000-4000-8000-000000000001'
const STAFF = '00000000-0000-4000-8000-000000000002'
const OTHER_STAFF = '00000000-0000-4000-8000-000000000003'
const ORG = '00000000-0000-4000-8000-0000000000aa'

type Handle = WorkflowHandle<typeof ticketWorkflow>

interface Scenario {
  /** What the history shows, for the file list in tests/histories/README.md. */
  about: string
  input?: Partial<TicketWorkflowInput>
  run(handle: Handle, env: TestWorkflowEnvironment): Promise<void>
}

const family = (): PostMessageInput => ({
  messageId: randomUUID(),
  authorId: REQUESTER,
  authorRole: 'family',
  visibility: 'public',
})
const staff = (visibility: 'public' | 'internal' = 'public'): PostMessageInput => ({
  messageId: randomUUID(),
  authorId: STAFF,
  authorRole: 'staff',
  visibility,
})

const SCENARIOS: Record<string, Scenario> = {
  'new-ticket': {
    about: 'a ticket opened and left waiting on staff (still running)',
    async run(handle) {
      await handle.query(ticketViewQuery)
    },
  },
  conversation: {
    about: 'messages both ways, an internal note, assignment and every status, ending closed',
    async run(handle) {
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(postMessageUpdate, { args: [staff('internal')] })
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] })
      await handle.executeUpdate(postMessageUpdate, { args: [staff()] })
      await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'pending_family', actorId: STAFF }] })
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: OTHER_STAFF, actorId: STAFF }] })
      await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'pending_la', actorId: STAFF }] })
      await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'in_progress', actorId: STAFF }] })
      await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'resolved', actorId: STAFF }] })
      await handle.executeUpdate(postMessageUpdate, { args: [family()] })
      await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'resolved', actorId: STAFF }] })
      await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'closed', actorId: STAFF, reason: 'Done' }] })
      await handle.result()
    },
  },
  'signals-and-refusals': {
    about: 'a repeated messagePosted signal, refused updates, a pending ticket left running',
    async run(handle) {
      const message = staff()
      await handle.signal(messagePostedSignal, message)
      await handle.signal(messagePostedSignal, message)
      await handle.signal(messagePostedSignal, family())
      await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'pending_la', actorId: STAFF }] })
      await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'new', actorId: STAFF }] }).catch(() => undefined)
      await handle.executeUpdate(postMessageUpdate, { args: [{ ...family(), visibility: 'internal' }] }).catch(() => undefined)
      await handle.executeUpdate(postMessageUpdate, { args: [message] })
      await handle.query(ticketViewQuery)
    },
  },
  'carried-state': {
    about: 'a run that began from carried state (as after continue-as-new), then changed',
    input: {
      carried: carriedState([
        { kind: 'postMessage', ...staff() },
        { kind: 'assign', assigneeId: STAFF, actorId: STAFF },
      ]),
    },
    async run(handle) {
      await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'pending_family', actorId: STAFF }] })
      await handle.query(ticketViewQuery)
    },
  },
  'closed-from-new': {
    about: 'closed straight from new with a reason',
    async run(handle) {
      await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'closed', actorId: STAFF, reason: 'Duplicate' }] })
      await handle.result()
    },
  },
}

/** A ticket's state part-way through its life, as a previous run would carry it. */
function carriedState(commands: TicketCommand[]): TicketState {
  const input = opening()
  return commands.reduce((state, command) => {
    const result = applyCommand(state, command, new Date().toISOString())
    if (!result.ok) throw new Error(result.reason)
    return result.state
  }, initialTicketState(input))
}

/** In-memory activities: the histories record what the workflow asked for, not what the database did. */
function stubActivities(): TicketActivities {
  const stubs: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    async saveTicketState() {},
    async notifyUsers() {},
  }
  return stubs as unknown as TicketActivities
}

function opening(overrides: Partial<TicketWorkflowInput> = {}): TicketWorkflowInput {
  return {
    ticketId: randomUUID(),
    orgId: ORG,
    number: 1,
    requesterId: REQUESTER,
    type: 'ehcp',
    priority: 'normal',
    createdAt: new Date().toISOString(),
    ...overrides,
  }
}

async function main() {
  const { values } = parseArgs({
    options: { tag: { type: 'string', default: DEFAULT_TAG }, only: { type: 'string' } },
    strict: true,
  })
  const tag = values.tag!
  const only = values.only?.split(',')
  const names = Object.keys(SCENARIOS).filter((name) => !only || only.includes(name))
  if (only && names.length !== only.length) throw new Error(`Unknown scenario in --only; known: ${Object.keys(SCENARIOS).join(', ')}`)

  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  })
  const server = await ensureTimeSkippingServer()
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: server } } })
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        Object.values(searchAttributes).map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
      ),
    })
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle: await bundleTicketWorkflows(),
      activities: stubActivities(),
    })
    await mkdir(HISTORIES_DIR, { recursive: true })
    await worker.runUntil(async () => {
      for (const name of names) {
        const scenario = SCENARIOS[name]!
        // A carried state names its own ticket: the run must be that ticket's.
        const input = opening({ ...scenario.input, ...(scenario.input?.carried && { ticketId: scenario.input.carried.ticketId }) })
        const handle: Handle = await env.client.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
          args: [input],
          workflowId: ticketWorkflowId(input.ticketId),
          taskQueue: TASK_QUEUE,
        })
        await scenario.run(handle, env)
        const file = path.join(HISTORIES_DIR, `${tag}-${name}.json`)
        await writeHistory(file, await handle.fetchHistory())
        console.log(`${path.relative(projectRoot, file)}: ${scenario.about}`)
      }
    })
  } finally {
    await env.teardown()
  }
}

await main()

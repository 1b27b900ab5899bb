/**
 * Schemathesis over the served OpenAPI document, on the test stack: every
 * operation, through its examples, the coverage, fuzzing and stateful phases
 * (following the document's links: a created ticket's number to every operation
 * on it, its case to closing it, a message's file to its download, the SLA
 * policy read to saving it back). A fixed seed and a bound on the examples make
 * the run the same every time. It passes when no answer is a 5xx or outside
 * the document (status, content type, headers, schema), no operation mostly
 * refused what the document says is valid or mostly found nothing, and
 * afterwards nothing is half-written (tests/support/invariants.ts).
 *
 * A failure prints what Schemathesis printed, with a curl command per case;
 * `schemathesis run … --seed` with the config this test writes replays it.
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../scripts/lib/paths.ts'
import { ensureSchemathesis } from '../../scripts/lib/schemathesis.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { createUser } from '../../services/accounts.server.ts'
import { apiRoutes } from '../../web/api/routes.ts'
import { EXAMPLE_PEOPLE } from '../../web/api/schemas.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { partialWrites, storedFiles } from '../support/invariants.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

/** Change these only on purpose: with them, a run is the same every time (and takes about a minute and a half here). */
const SEED = 20261206
const MAX_EXAMPLES = 15
const STATEFUL_SCENARIOS = 100
/** Calls per stateful scenario: long enough to go create → message → download, or create → status → assign → LA response. */
const STATEFUL_STEPS = 12

/**
 * What an answer must be: never a 5xx, always what the document says it may be;
 * a request the document calls valid is never refused as malformed (400, 415),
 * and one it calls invalid is never carried out (2xx). The other refusals of a
 * valid request depend on the ticket (409: not a transition it allows now; 422:
 * a person not on its staff; 404: another organisation's number) and are fine.
 */
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
]
const REFUSALS_OF_VALID = [401, 403, 404, 409, 412, 422, 429, 503]
const REFUSALS_OF_INVALID = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429]
/**
 * Where JSON Schema cannot say all there is: `cursor` is opaque (only one this
 * API gave out is one) and business hours must close after they open.
 */
const MAY_REFUSE_VALID_AS_MALFORMED = ['listTickets', 'putSlaPolicy']

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let key: string
let schemathesis: string
let workDir: string
let filesBefore: Set<string>
const seeded = {
  tickets: [] as number[],
  attachmentId: '',
  department: 'tribunals',
  actionId: '',
  coverId: '',
  itemIds: [] as string[],
  jobId: '',
  taskIds: [] as string[],
  familyIds: [] as string[],
}

async function api(method: string, route: string, body: unknown): Promise<any> {
  const multipart = body instanceof FormData
  const response = await fetch(`${stack.stack.webUrl}/api/v1${route}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(multipart ? {} : { 'Content-Type': 'application/json' }) },
    body: multipart ? body : JSON.stringify(body),
  })
  expect(response.status, `${method} ${route}`).toBeLessThan(300)
  return response.json()
}

beforeAll(async () => {
  stack = await connectToStack()
  schemathesis = await ensureSchemathesis()
  people = await createTestOrganisation(stack.db)
  key = (await createApiKey(stack.db, { orgId: people.org.id, name: 'Schemathesis', createdById: people.admin.id, via: 'cli' })).key
  // The people and the team the document's examples name, so its examples are valid requests here.
  await createUser(stack.db, {
    orgSlug: people.org.slug,
    role: 'staff',
    name: 'Sam Advocate',
    email: EXAMPLE_PEOPLE.staff,
    password: TEST_PASSWORD,
  })
  await stack.db.department.create({ data: { orgId: people.org.id, slug: seeded.department, name: 'Tribunals' } })
  filesBefore = await storedFiles(stack)

  // Tickets to reach: #1 with the examples' case, one whose conversation has a file, one waiting on the local authority.
  const request = {
    requester: { email: EXAMPLE_PEOPLE.family, name: 'Fran Family' },
    subject: 'Appeal',
    body: 'Please help',
    type: 'tribunal',
  }
  const withCase = await api('POST', '/tickets', { ...request, caseRef: 'EHC-2026-0042' })
  const withFile = await api('POST', '/tickets', request)
  const form = new FormData()
  form.set('payload', JSON.stringify({ author: { email: EXAMPLE_PEOPLE.staff }, body: 'The decision letter.' }))
  form.append('attachments', new Blob(['%PDF-1.4 decision']), 'decision.pdf')
  const posted = await api('POST', `/tickets/${withFile.ticket.number}/messages`, form)
  // Another family: the first reply above made Fran's advocate theirs, and her next request would go straight to them.
  const waiting = await api('POST', '/tickets', { ...request, requester: { email: 'wren.family@test.example', name: 'Wren Family' } })
  await api('POST', `/tickets/${waiting.ticket.number}/assign`, { assignee: { email: EXAMPLE_PEOPLE.staff } })
  await api('POST', `/tickets/${waiting.ticket.number}/status`, {
    status: 'pending_la',
    laDeadline: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  })
  // The examples' case in Sam's name, with a next action: its commands then reach the case rules.
  await api('POST', `/tickets/${withCase.ticket.number}/assign`, { assignee: { email: EXAMPLE_PEOPLE.staff } })
  // A second open ticket of the case, which the run never names: when it assigns #1 to someone else, #1 leaves
  // the case (decision 014) and the case stays Sam's, so the examples' actor keeps reaching it.
  const companion = await api('POST', '/tickets', { ...request, subject: 'Appeal papers', caseRef: 'EHC-2026-0042' })
  await api('POST', `/tickets/${companion.ticket.number}/assign`, { assignee: { email: EXAMPLE_PEOPLE.staff } })
  await api('POST', '/cases/EHC-2026-0042/actions', { title: 'Chase the plan' })
  seeded.actionId = (await api('GET', '/cases/EHC-2026-0042/actions', undefined)).actions[0].id
  // A colleague covering it, so ending a cover reaches a real one.
  seeded.coverId = (await api('POST', '/cases/EHC-2026-0042/cover', { advocate: { email: people.advocate.email } })).cover.id
  // A stage for every LA deadline, so an exception names a deadline the case has.
  for (const stage of ['assessment_requested', 'draft_plan_issued', 'annual_review_held', 'decision_letter_received'])
    await api('POST', '/cases/EHC-2026-0042/stages', { stage, date: '2026-11-02' })
  // Checklist items on #1, so changing and removing one reaches real ones (each removal uses one up).
  for (const title of ['Ask for the decision letter', 'Book the interpreter', 'Send the bundle'])
    seeded.itemIds.push((await api('POST', `/tickets/${withCase.ticket.number}/checklist`, { title })).item.id)
  // Tasks on #1, so changing one reaches real ones.
  for (const title of ['Ring the school', 'Post the bundle'])
    seeded.taskIds.push((await api('POST', `/tickets/${withCase.ticket.number}/tasks`, { title })).task.id)
  seeded.tickets = [withCase.ticket.number, withFile.ticket.number, waiting.ticket.number]
  // The organisation's families, so a conversation started by id reaches one.
  const families = await stack.db.membership.findMany({ where: { orgId: people.org.id, role: 'family' }, select: { userId: true } })
  seeded.familyIds = families.map((f) => f.userId)
  seeded.attachmentId = posted.message.attachments[0].id
  // A bulk job, so reading one reaches a real one.
  seeded.jobId = (await api('POST', '/tickets/bulk', { tickets: seeded.tickets, action: { kind: 'tag', name: 'Fuzzed' } })).job.id

  workDir = await mkdtemp(path.join(os.tmpdir(), 'caseway-schemathesis-'))
  await writeFile(path.join(workDir, 'schemathesis.toml'), config())
})
afterAll(async () => {
  await stack?.close()
  if (workDir) await rm(workDir, { recursive: true, force: true })
})

/**
 * The run's settings. The dictionaries are this organisation's real people and
 * tickets: most generated requests name them (the rest, anyone), so commands
 * reach the ticket rules instead of stopping at "not on this organisation's staff".
 */
function config(): string {
  const staff = [EXAMPLE_PEOPLE.staff, people.admin.email, people.advocate.email]
  const values = (list: readonly string[]) => `{ values = ${JSON.stringify(list)} }`
  return `
seed = ${SEED}
workers = 1
headers = { Authorization = "Bearer ${key}" }
request-timeout = 30

[generation]
max-examples = ${MAX_EXAMPLES}
database = "none"

[checks]
enabled = false
${CHECKS.map((check) => `${check}.enabled = true`).join('\n')}
positive_data_acceptance = { enabled = true, expected-statuses = ${JSON.stringify(['2XX', ...REFUSALS_OF_VALID])} }
negative_data_rejection = { enabled = true, expected-statuses = ${JSON.stringify(REFUSALS_OF_INVALID)} }

[phases.stateful]
max-steps = ${STATEFUL_STEPS}

[phases.stateful.generation]
max-examples = ${STATEFUL_SCENARIOS}

[warnings]
# An operation that mostly found nothing (the document gives no way to a real resource) fails the run.
fail-on = ["missing_test_data"]

[dictionaries]
staff = ${values(staff)}
people = ${values([...staff, EXAMPLE_PEOPLE.family])}
tickets = ${values(seeded.tickets.map(String))}
attachments = ${values([seeded.attachmentId])}
departments = ${values([seeded.department])}
cases = ${values(['EHC-2026-0042'])}
actions = ${values([seeded.actionId])}
covers = ${values([seeded.coverId])}
items = ${values(seeded.itemIds)}
jobs = ${values([seeded.jobId])}
tasks = ${values(seeded.taskIds)}
families = ${values(seeded.familyIds)}

[parameters]
"path.number" = { dictionary = "tickets", probability = 0.5 }
"path.attachmentId" = { dictionary = "attachments", probability = 0.5 }
"path.caseRef" = { dictionary = "cases", probability = 0.9 }
"path.actionId" = { dictionary = "actions", probability = 0.9 }
"path.coverId" = { dictionary = "covers", probability = 0.9 }
"path.itemId" = { dictionary = "items", probability = 0.9 }
"path.jobId" = { dictionary = "jobs", probability = 0.9 }
"path.taskId" = { dictionary = "tasks", probability = 0.9 }
"body.assignee.email" = { dictionary = "staff", probability = 0.8 }
"body.advocate.email" = { dictionary = "staff", probability = 0.8 }
"body.actor.email" = { dictionary = "staff", probability = 0.8 }
"body.author.email" = { dictionary = "people", probability = 0.8 }
"body.department" = { dictionary = "departments", probability = 0.8 }
"body.family.id" = { dictionary = "families", probability = 0.8 }

# Operations whose data a run uses up or rarely reaches, so a phase can have nothing left to accept
# and its few 404s for made-up references read as missing data: an exception is recorded once (then
# 409 no_change, or the case closed); a checklist item removed once is gone (the stateful phase adds
# fresh ones through the links); cover takes an admin actor, and the examples' actor is staff (403).
# Their answers are still checked like every other operation's.
[[operations]]
include-operation-id = ["recordDeadlineException", "changeChecklistItem", "removeChecklistItem", "addCaseCover"]
warnings = false

[[operations]]
include-operation-id = ${JSON.stringify(MAY_REFUSE_VALID_AS_MALFORMED)}
checks.positive_data_acceptance = { expected-statuses = ${JSON.stringify(['2XX', 400, ...REFUSALS_OF_VALID])} }
`
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // PYTHONHASHSEED: with Python's hash order fixed too, the seed decides every case.
    const child = spawn(command, args, { cwd: workDir, env: { ...process.env, PYTHONHASHSEED: '0', NO_COLOR: '1' } })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

/** What the run covered: each phase's line, the links, the warnings, the verdict. */
function summaryOf(output: string): string {
  const phases = output.split('\n').filter((line) => /^\s*(✅|❌|⏭)\s+\S+ \(in [\d.]+s\)|^\s*(Scenarios|API Links):/u.test(line))
  return [
    ...phases,
    output.slice(output.indexOf('Warnings:') >= 0 ? output.lastIndexOf('Warnings:') : output.lastIndexOf('Test cases:')).trim(),
  ].join('\n')
}

describe('Schemathesis over the OpenAPI document', () => {
  it('finds no 5xx and no answer outside the document, and leaves nothing half-written', { timeout: 480_000 }, async () => {
    const started = Date.now()
    const { code, output } = await run(schemathesis, [
      '--config-file',
      path.join(workDir, 'schemathesis.toml'),
      'run',
      `${stack.stack.webUrl}/api/v1/openapi.json`,
      '--no-color',
    ])
    const seconds = ((Date.now() - started) / 1000).toFixed(0)
    // The whole report beside the test output, with a curl command for every failing case.
    const report = path.join(projectRoot, 'tests', '.artifacts', 'schemathesis.txt')
    await mkdir(path.dirname(report), { recursive: true })
    await writeFile(report, output)
    if (code !== 0)
      expect.fail(`Schemathesis failed (exit ${code}, ${seconds} s; the whole report is in ${report}):\n${output.slice(-12_000)}`)
    console.log(`Schemathesis: ${seconds} s\n${summaryOf(output)}`)
    // Every operation was tested, and the links were followed.
    expect(output).toContain(`Tested: ${apiRoutes.length}`)
    expect(Number(/API Links:\s+(\d+) covered/.exec(output)?.[1] ?? 0)).toBeGreaterThan(20)

    // What the run left: workflows finish saving their last changes a moment after their answers.
    await eventually(async () => expect(await partialWrites(stack, people.org.id, filesBefore)).toEqual([]), 60_000)
    // The check looked at real data: the run made tickets and files, beside the seeded ones. Most
    // generated creations are refused (a made-up department or template), so a dozen is plenty.
    expect(await stack.db.ticket.count({ where: { orgId: people.org.id } })).toBeGreaterThan(10)
    expect(await stack.db.attachment.count({ where: { ticket: { orgId: people.org.id } } })).toBeGreaterThan(1)
  })
})

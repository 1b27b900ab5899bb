/**
 * `npm run reconcile [-- --repair] [--org <slug>]`: compares every open ticket's workflow state
 * (the `ticketRecord` query: the lifecycle columns the workflow keeps) with its
 * Ticket row, and prints the differences. Exit code 0: none; 1: differences
 * (with --repair: some could not be repaired); 2: a ticket could not be checked.
 *
 * Open tickets are rows not closed, and tickets whose workflow still runs. A
 * difference is reported only when a second look a moment later shows it too,
 * so a save in flight is not one. `--repair` writes the workflow's record into
 * the row through the save activity's own code (saveTicketRecord), and only if
 * the row is still the one compared.
 *
 * `--org` limits it to one organisation. Uses DATABASE_URL and TEMPORAL_ADDRESS,
 * or the local stack started by `npm start`.
 */
import { parseArgs } from 'node:util'
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client'
import { saveTicketRecord } from '../activities/index.ts'
import { diffTicketRecord, type RecordDifference, type TicketRecord } from '../domain/ticket-record.ts'
import type { SlaChip } from '../domain/ticket-sla.ts'
import { createDb, type Db } from '../lib/db.ts'
import { parseEnv } from '../lib/env.ts'
import { temporalConnectionOptions } from '../lib/temporal.ts'
import { ticketRecordQuery, ticketWorkflowId } from '../workflows/ticket.messages.ts'
import { databaseUrlOf } from './lib/local-database.ts'

const PARALLEL = 8
const SECOND_LOOK_MS = 1_000

const rowSelect = {
  id: true,
  number: true,
  org: { select: { slug: true } },
  stateVersion: true,
  status: true,
  awaiting: true,
  reopenedByFamily: true,
  priority: true,
  departmentId: true,
  type: true,
  assigneeId: true,
  caseRef: true,
  updatedAt: true,
  slaState: true,
  slaDueAt: true,
  slaTargets: true,
  pendingSince: true,
  laDeadline: true,
  laOverdue: true,
  reopenUntil: true,
  autoCloseAt: true,
  resolvedAt: true,
  closedAt: true,
  closeReason: true,
} as const

type Row = NonNullable<Awaited<ReturnType<typeof readRow>>>

type Finding =
  | { kind: 'same' }
  | { kind: 'different'; row: Row; record: TicketRecord; differences: RecordDifference[] }
  | { kind: 'unchecked'; reason: string }

interface Ticket {
  id: string
  label: string
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { repair: { type: 'boolean', default: false }, org: { type: 'string' } },
    strict: true,
  })
  const env = parseEnv()
  const db = createDb(databaseUrlOf(env), { max: PARALLEL })
  const connection = await Connection.connect(await temporalConnectionOptions(env))
  const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE })
  try {
    const orgId = values.org === undefined ? undefined : await organisationId(db, values.org)
    const tickets = await openTickets(db, temporal, orgId)
    const findings = await inBatches(tickets, (ticket) => check(db, temporal, ticket))
    const differing = findings.filter((entry) => entry.finding.kind === 'different')
    const unchecked = findings.filter((entry) => entry.finding.kind === 'unchecked')

    for (const { ticket, finding } of unchecked)
      if (finding.kind === 'unchecked') console.error(`${ticket.label}: not checked: ${finding.reason}`)
    console.log(
      `${tickets.length} open tickets checked, ${differing.length} differ from their workflow${unchecked.length ? `, ${unchecked.length} not checked` : ''}.`,
    )
    if (differing.length > 0)
      printTable(
        differing.flatMap(({ ticket, finding }) =>
          finding.kind === 'different' ? finding.differences.map((d) => ({ ticket, ...d })) : [],
        ),
      )

    let unrepaired = 0
    if (values.repair)
      for (const { ticket, finding } of differing) {
        if (finding.kind !== 'different') continue
        const repaired = await saveTicketRecord(db, { ...finding.record, events: [] }, { ifRowVersion: finding.row.stateVersion })
        console.log(`${ticket.label}: ${repaired ? 'repaired' : 'changed while reconciling; run again'}`)
        if (!repaired) unrepaired++
      }
    else if (differing.length > 0) console.log('Run with --repair to make the rows match their workflows.')

    if (unchecked.length > 0) return 2
    return (values.repair ? unrepaired : differing.length) > 0 ? 1 : 0
  } finally {
    await connection.close()
    await db.$disconnect()
  }
}

async function organisationId(db: Db, slug: string): Promise<string> {
  const org = await db.organisation.findUnique({ where: { slug }, select: { id: true } })
  if (!org) throw new Error(`No organisation with the slug "${slug}"`)
  return org.id
}

/** Rows not closed, and rows whose workflow still runs whatever the row says. */
async function openTickets(db: Db, temporal: Client, orgId: string | undefined): Promise<Ticket[]> {
  const rows = await db.ticket.findMany({
    where: { status: { not: 'closed' }, ...(orgId && { orgId }) },
    select: { id: true, number: true, org: { select: { slug: true } } },
    orderBy: [{ orgId: 'asc' }, { number: 'asc' }],
  })
  const tickets = new Map(rows.map((row) => [row.id, { id: row.id, label: `${row.org.slug} #${row.number}` }]))
  const query = `WorkflowType = 'ticketWorkflow' AND ExecutionStatus = 'Running'${orgId ? ` AND OrgId = '${orgId}'` : ''}`
  for await (const workflow of temporal.workflow.list({ query })) {
    const id = workflow.workflowId.replace(/^ticket-/, '')
    if (tickets.has(id)) continue
    const row = await db.ticket.findUnique({ where: { id }, select: { number: true, org: { select: { slug: true } } } })
    tickets.set(id, { id, label: row ? `${row.org.slug} #${row.number}` : `workflow ${workflow.workflowId} (no row)` })
  }
  return [...tickets.values()]
}

async function check(db: Db, temporal: Client, ticket: Ticket): Promise<Finding> {
  const first = await compare(db, temporal, ticket)
  if (first.kind !== 'different') return first
  // A save may be on its way: only a difference that is still there counts.
  await new Promise((resolve) => setTimeout(resolve, SECOND_LOOK_MS))
  return await compare(db, temporal, ticket)
}

async function compare(db: Db, temporal: Client, ticket: Ticket): Promise<Finding> {
  let record: TicketRecord
  try {
    record = await temporal.workflow.getHandle(ticketWorkflowId(ticket.id)).query(ticketRecordQuery)
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { kind: 'unchecked', reason: 'it has no workflow' }
    return { kind: 'unchecked', reason: `its workflow did not answer: ${error instanceof Error ? error.message : String(error)}` }
  }
  const row = await readRow(db, ticket.id)
  if (!row) return { kind: 'unchecked', reason: 'its row is missing' }
  const differences = diffTicketRecord(recordOf(row), record)
  return differences.length === 0 ? { kind: 'same' } : { kind: 'different', row, record, differences }
}

function readRow(db: Db, id: string) {
  return db.ticket.findUnique({ where: { id }, select: rowSelect })
}

/** The row's lifecycle columns in the workflow's terms. */
function recordOf(row: Row): TicketRecord {
  const iso = (date: Date | null) => date?.toISOString() ?? null
  return {
    ticketId: row.id,
    version: row.stateVersion,
    status: row.status,
    awaiting: row.awaiting,
    reopenedByFamily: row.reopenedByFamily,
    priority: row.priority,
    type: row.type,
    assigneeId: row.assigneeId,
    caseRef: row.caseRef,
    departmentId: row.departmentId,
    updatedAt: row.updatedAt.toISOString(),
    slaState: row.slaState,
    slaDueAt: iso(row.slaDueAt),
    slaTargets: (Array.isArray(row.slaTargets) ? row.slaTargets : []) as SlaChip[],
    pendingSince: iso(row.pendingSince),
    laDeadline: iso(row.laDeadline),
    laOverdue: row.laOverdue,
    reopenUntil: iso(row.reopenUntil),
    autoCloseAt: iso(row.autoCloseAt),
    resolvedAt: iso(row.resolvedAt),
    closedAt: iso(row.closedAt),
    closeReason: row.closeReason,
  }
}

async function inBatches<T>(tickets: Ticket[], run: (ticket: Ticket) => Promise<T>) {
  const results: { ticket: Ticket; finding: T }[] = []
  for (let i = 0; i < tickets.length; i += PARALLEL) {
    const batch = tickets.slice(i, i + PARALLEL)
    results.push(...(await Promise.all(batch.map(async (ticket) => ({ ticket, finding: await run(ticket) })))))
  }
  return results
}

function printTable(lines: ({ ticket: Ticket } & RecordDifference)[]): void {
  const show = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined'))
  const rows = [
    ['Ticket', 'Field', 'Database', 'Workflow'],
    ...lines.map((line) => [line.ticket.label, line.field, show(line.database), show(line.workflow)]),
  ]
  const widths = rows[0]!.map((_, column) => Math.min(60, Math.max(...rows.map((row) => row[column]!.length))))
  const format = (row: string[]) => row.map((cell, column) => cell.slice(0, 60).padEnd(widths[column]!)).join('  ')
  console.log(format(rows[0]!))
  console.log(widths.map((width) => '-'.repeat(width)).join('  '))
  for (const row of rows.slice(1)) console.log(format(row))
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 2
}

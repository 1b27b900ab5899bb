/**
 * What "nothing half-written" means for one organisation, as a list of the
 * problems found (empty when whole), for the fuzzing tests to assert after a
 * run: every ticket row has its workflow and its first message, and every
 * workflow its row; every later message is known to its ticket's workflow, and
 * every message the workflow knows exists; every file has its message and its
 * bytes, and every file written during the run has its row; every idempotency
 * key names the ticket it made, and none is left half-claimed.
 */
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { StackConnection } from './stack.ts'

/** Where the services (and so the web server) keep attachment bytes: CASEWAY_DATA_DIR/files. */
export function filesRoot(stack: StackConnection): string {
  return path.join(stack.context.env.dataDir, 'files')
}

/** The storage keys in the file store now, to tell afterwards which files a run wrote. */
export async function storedFiles(stack: StackConnection): Promise<Set<string>> {
  const dir = path.join(filesRoot(stack), 'attachments')
  const names = await readdir(dir).catch(() => [])
  // A `.partial-…` file is one being written (file-store.server.ts renames it when whole).
  return new Set(names.filter((name) => !name.includes('.partial-')).map((name) => `attachments/${name}`))
}

export async function partialWrites(stack: StackConnection, orgId: string, filesBefore: Set<string>): Promise<string[]> {
  const { db, temporal } = stack
  const problems: string[] = []
  const tickets = await db.ticket.findMany({
    where: { orgId },
    select: {
      id: true,
      number: true,
      requesterId: true,
      kind: true,
      stateVersion: true,
      messages: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true, authorId: true } },
      events: { where: { kind: 'message_posted' }, select: { data: true } },
      attachments: { select: { id: true, messageId: true, storageKey: true, size: true } },
    },
  })
  const ticketIds = new Set(tickets.map((ticket) => ticket.id))

  for (const ticket of tickets) {
    const name = `ticket #${ticket.number}`
    if (ticket.stateVersion === 0) problems.push(`${name}: its workflow never saved it`)
    const [first, ...later] = ticket.messages
    if (!first) problems.push(`${name}: no first message`)
    // A conversation staff started opens with their message; any other ticket with its family's request.
    else if (ticket.kind === 'ticket' && first.authorId !== ticket.requesterId)
      problems.push(`${name}: its first message is not its family's request`)
    const known = new Set(ticket.events.map((event) => (event.data as { messageId?: string }).messageId))
    for (const message of later) if (!known.has(message.id)) problems.push(`${name}: message ${message.id} unknown to its workflow`)
    const messageIds = new Set(ticket.messages.map((message) => message.id))
    for (const id of known) if (!id || !messageIds.has(id)) problems.push(`${name}: its workflow knows message ${id}, which is gone`)
    for (const attachment of ticket.attachments) {
      if (!attachment.messageId) problems.push(`${name}: attachment ${attachment.id} belongs to no message`)
      const bytes = await stat(path.join(filesRoot(stack), ...attachment.storageKey.split('/'))).catch(() => null)
      if (bytes?.size !== attachment.size) problems.push(`${name}: attachment ${attachment.id} has no file of ${attachment.size} bytes`)
    }
  }
  for (const ticket of tickets)
    await temporal.workflow
      .getHandle(`ticket-${ticket.id}`)
      .describe()
      .catch((error: Error) => problems.push(`ticket #${ticket.number}: no workflow (${error.message})`))
  for await (const workflow of temporal.workflow.list({ query: `OrgId = '${orgId}'` }))
    if (!ticketIds.has(workflow.workflowId.replace(/^ticket-/, ''))) problems.push(`workflow ${workflow.workflowId} has no ticket row`)

  // Files this run wrote, by rows of any organisation (a run may reach only its own, but a file is a file).
  const written = [...(await storedFiles(stack))].filter((key) => !filesBefore.has(key))
  const rows = new Set(
    (await db.attachment.findMany({ where: { storageKey: { in: written } }, select: { storageKey: true } })).map((row) => row.storageKey),
  )
  for (const key of written) if (!rows.has(key)) problems.push(`file ${key} has no attachment row`)

  const byNumber = new Map(tickets.map((ticket) => [ticket.number, ticket.id]))
  for (const record of await db.idempotencyRecord.findMany({ where: { orgId } })) {
    const { kind, ticketId, number } = (record.response ?? {}) as { kind?: string; ticketId?: string; number?: number }
    if (record.status === null) problems.push(`Idempotency-Key ${JSON.stringify(record.key)} is still claimed`)
    else if (kind === 'ticket' && (number === undefined || byNumber.get(number) !== ticketId))
      problems.push(`Idempotency-Key ${JSON.stringify(record.key)} names no ticket of this organisation`)
  }
  return problems
}

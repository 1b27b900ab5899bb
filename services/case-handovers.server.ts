/**
 * Handover notes on a case: what its outgoing advocate (or an admin) leaves
 * for the incoming one, who sees them first on the case and is notified.
 * Plain records, audited; the case's advocate or an admin writes them.
 */
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditVia } from './audit.server.ts'

type Tx = Prisma.TransactionClient | Db

/** A handover note's longest text: a page of what the next advocate must know. */
export const HANDOVER_NOTE_MAX = 5_000

export interface NewHandover {
  orgId: string
  caseId: string
  author: { id: string }
  via: AuditVia
  /** The advocate it is for; null: whoever takes the case next. */
  toId: string | null
  note: string
}

export type HandoverResult = { status: 'written'; id: string } | { status: 'not_found' } | { status: 'refused'; message: string }

/** Writes the note, its audit record and the incoming advocate's notification in one transaction. */
export async function writeHandoverNote(db: Db, input: NewHandover): Promise<HandoverResult> {
  const note = input.note.trim()
  if (!note) return { status: 'refused', message: 'Write the handover note first.' }
  if (note.length > HANDOVER_NOTE_MAX) return { status: 'refused', message: `A handover note is at most ${HANDOVER_NOTE_MAX} characters.` }
  return db.$transaction(async (tx) => {
    const kase = await tx.case.findFirst({
      where: { id: input.caseId, orgId: input.orgId },
      select: { id: true, caseRef: true, advocateId: true },
    })
    if (!kase) return { status: 'not_found' }
    const admin = await tx.membership.count({ where: { orgId: input.orgId, userId: input.author.id, role: 'admin' } })
    if (!admin && kase.advocateId !== input.author.id)
      return { status: 'refused', message: 'Only the case’s advocate or an admin can leave a handover note.' }
    const author = await tx.user.findUniqueOrThrow({ where: { id: input.author.id }, select: { name: true } })
    const handover = await tx.caseHandover.create({
      data: { caseId: kase.id, fromId: kase.advocateId, toId: input.toId, authorId: input.author.id, note },
      select: { id: true },
    })
    await recordAudit(tx, {
      orgId: input.orgId,
      actorId: input.author.id,
      via: input.via,
      action: 'case.handover_written',
      data: { caseRef: kase.caseRef, toId: input.toId },
    })
    if (input.toId && input.toId !== input.author.id)
      await notifyHandover(tx, { ...handover, caseRef: kase.caseRef, toId: input.toId, author: author.name })
    return { status: 'written', id: handover.id }
  })
}

async function notifyHandover(tx: Tx, input: { id: string; caseRef: string; toId: string; author: string }): Promise<void> {
  await tx.notification.createMany({
    data: [
      {
        userId: input.toId,
        kind: 'case_handover',
        text: `${input.author} left you a handover note on ${input.caseRef}: read it on the case’s team tab.`,
        dedupeKey: `case-handover:${input.id}`,
      },
    ],
    skipDuplicates: true,
  })
}

/** The case's handover notes, newest first, for its team tab. */
export async function caseHandovers(db: Tx, caseId: string) {
  return db.caseHandover.findMany({
    where: { caseId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 50,
    select: {
      id: true,
      note: true,
      createdAt: true,
      from: { select: { id: true, name: true } },
      to: { select: { id: true, name: true } },
      author: { select: { name: true } },
    },
  })
}

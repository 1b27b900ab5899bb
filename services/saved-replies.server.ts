/**
 * Saved replies: text the team sends often, kept per organisation. Staff put
 * one into the reply box and edit it before sending; admins keep the list.
 * Plain records, audited with the change.
 */
import { z } from 'zod'
import { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'

export async function savedReplies(db: Db, orgId: string) {
  return db.savedReply.findMany({ where: { orgId }, orderBy: { title: 'asc' }, select: { id: true, title: true, body: true } })
}

/** One of the organisation's saved replies, or null (another organisation's id finds nothing). */
export async function savedReply(db: Db, orgId: string, id: string) {
  if (!z.uuid().safeParse(id).success) return null
  return db.savedReply.findFirst({ where: { id, orgId }, select: { id: true, title: true, body: true } })
}

/** Adds a saved reply; false when the organisation already has one with that title. */
export async function createSavedReply(db: Db, input: AuditActor & { orgId: string; title: string; body: string }): Promise<boolean> {
  try {
    await db.$transaction(async (tx) => {
      const created = await tx.savedReply.create({
        data: { orgId: input.orgId, title: input.title, body: input.body },
        select: { id: true },
      })
      await recordAudit(tx, { ...input, action: 'saved_reply.created', data: { savedReplyId: created.id, title: input.title } })
    })
    return true
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return false
    throw error
  }
}

/** Deletes one of the organisation's saved replies; false if it has no such reply. */
export async function deleteSavedReply(db: Db, input: AuditActor & { orgId: string; id: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const reply = await tx.savedReply.findFirst({ where: { id: input.id, orgId: input.orgId }, select: { title: true } })
    if (!reply) return false
    // deleteMany: a concurrent delete of the same reply finds nothing rather than failing.
    const { count } = await tx.savedReply.deleteMany({ where: { id: input.id, orgId: input.orgId } })
    if (count === 0) return false
    await recordAudit(tx, {
      orgId: input.orgId,
      actorId: input.actorId,
      via: input.via,
      action: 'saved_reply.deleted',
      data: { savedReplyId: input.id, title: reply.title },
    })
    return true
  })
}

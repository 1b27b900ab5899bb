/**
 * One-time submission tokens for the portal's forms that create something
 * (docs/decisions/007-one-time-form-tokens.md). Each rendered form carries a
 * random token; the first POST with it inserts a FormSubmission row, and the
 * unique (form, token) index makes that insert the one decision point, so of two
 * posts at the same moment exactly one goes on. A success records the answer a
 * repeat is given; a repeat that finds the first still running waits for it. A
 * refused or failed submission releases its row, so the same form can be
 * corrected and sent again.
 *
 * The idea of the API's Idempotency-Key (web/api/idempotency.ts), for people: no
 * request hash (a repeat is the same rendered form), and the answer is opaque
 * here (the portal keeps where it redirected and what it said).
 */
import { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'

/** A token answers repeats for a day: longer than any resend or back button, short enough to keep the table small. */
export const SUBMISSION_TTL_MS = 24 * 60 * 60 * 1000
/** Longer than any submission takes (a ticket: its transaction and the workflow's first save, 10 s at most): a claim this old with no answer lost its process. */
export const ABANDONED_AFTER_MS = 60_000
const POLL_MS = 100
/** Expired rows are deleted by the claims themselves, at most this often per process. */
const FORGET_EVERY_MS = 10 * 60_000

let lastForgotten = 0

export type SubmissionClaim =
  /** This request goes on; `id` names its claim. */
  | { status: 'claimed'; id: string }
  /** The first submission succeeded: answer as it asked. */
  | { status: 'done'; answer: unknown }
  /** The first is still running after the wait. */
  | { status: 'in_progress' }
  /** Someone else, signed in as another person, sent this token first. */
  | { status: 'foreign' }

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002'
}

/** Takes the token for this request, or says what became of the request that took it first. */
export async function claimSubmission(
  db: Db,
  input: { form: string; token: string; actorId: string | null; waitMs: number },
): Promise<SubmissionClaim> {
  const { form, token, actorId } = input
  const giveUpAt = Date.now() + input.waitMs
  if (Date.now() - lastForgotten > FORGET_EVERY_MS) {
    lastForgotten = Date.now()
    await forgetExpiredSubmissions(db)
  }
  for (;;) {
    try {
      const claimed = await db.formSubmission.create({ data: { form, token, actorId }, select: { id: true } })
      return { status: 'claimed', id: claimed.id }
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
    const record = await db.formSubmission.findUnique({ where: { form_token: { form, token } } })
    // Released (the first was refused) between our insert and this read: try to take it.
    if (!record) continue
    if (record.actorId !== null && record.actorId !== actorId) return { status: 'foreign' }
    const age = Date.now() - record.createdAt.getTime()
    if (age > SUBMISSION_TTL_MS) {
      await db.formSubmission.deleteMany({ where: { id: record.id } })
      continue
    }
    if (record.completedAt) return { status: 'done', answer: record.answer }
    if (age > ABANDONED_AFTER_MS) {
      if (record.answer !== null) {
        // What it created committed with its answer, then its process died before replying: it stands.
        await db.formSubmission.updateMany({ where: { id: record.id, completedAt: null }, data: { completedAt: new Date() } })
        return { status: 'done', answer: record.answer }
      }
      // Nothing says it created anything: whoever deletes it first sends it again.
      await db.formSubmission.deleteMany({ where: { id: record.id, completedAt: null, answer: { equals: Prisma.DbNull } } })
      continue
    }
    if (Date.now() >= giveUpAt) return { status: 'in_progress' }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

/**
 * Inside the transaction that creates: the claim's answer commits (or rolls back)
 * with what it answers for, so a process that dies before replying leaves a
 * claim that repeats are answered from, not one that creates again.
 */
export async function recordSubmissionAnswer(tx: Prisma.TransactionClient, id: string, answer: Prisma.InputJsonValue): Promise<void> {
  await tx.formSubmission.update({ where: { id }, data: { answer } })
}

/** The submission succeeded: repeats are given `answer` from now on. */
export async function completeSubmission(db: Db, id: string, answer: Prisma.InputJsonValue): Promise<void> {
  await db.formSubmission.update({ where: { id }, data: { answer, completedAt: new Date() } })
}

/** The submission was refused or failed: its token may be sent again. */
export async function releaseSubmission(db: Db, id: string): Promise<void> {
  await db.formSubmission.deleteMany({ where: { id } })
}

/** Deletes the records older than a day; how many. */
export async function forgetExpiredSubmissions(db: Db, now = Date.now()): Promise<number> {
  const { count } = await db.formSubmission.deleteMany({ where: { createdAt: { lt: new Date(now - SUBMISSION_TTL_MS) } } })
  return count
}

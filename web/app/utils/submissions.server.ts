/**
 * A form that creates something is acted on once (docs/decisions/007-one-time-form-tokens.md).
 * Its loader makes a token (newSubmissionToken), the form carries it
 * (components/submission.tsx), and its action wraps the work in submitOnce:
 * the token is claimed, the work runs, and a success records what a repeat
 * of the same form is answered: the same redirect and flash, or what the
 * action chose with `submitted`. A repeat (a double click, a resent POST, the
 * back button) gets that answer and creates nothing; a refusal releases the
 * token, so the form can be corrected and sent again.
 */
import { randomUUID } from 'node:crypto'
import { redirect } from '@remix-run/node'
import { z } from 'zod'
import type { Prisma } from '../../../generated/prisma/client.ts'
import { claimSubmission, completeSubmission, recordSubmissionAnswer, releaseSubmission } from '../../../services/submissions.server.ts'
import { SUBMISSION_FIELD } from '../components/submission.tsx'
import type { CasewayContext } from '../context.ts'
import { redirectWithFlash, type Flash } from './flash.server.ts'
import { safeRedirect } from './http.ts'

type Ctx = Pick<CasewayContext, 'db' | 'env' | 'log'>

/** How long a repeat waits for the first, still running: longer than creating a ticket takes (its transaction, then the workflow's first save within 10 s). */
const REPEAT_WAITS_MS = 15_000

const RepeatSchema = z.object({
  redirectTo: z.string().startsWith('/'),
  flash: z.object({ kind: z.enum(['success', 'info', 'error']), text: z.string() }).nullable(),
})

/** What a repeat of a successful submission is answered: a redirect, with the flash it shows. */
export type Repeat = { redirectTo: string; flash: Flash | null }

/** The one in-flight claim of a submission, handed to the work it guards. */
export interface Submission {
  /** Inside the creating transaction: the answer commits with what it answers for, so a crash before the reply cannot create twice. */
  recordWithin(tx: Prisma.TransactionClient, repeat: Repeat): Promise<void>
}

const text = { 'Content-Type': 'text/plain; charset=utf-8' }
const OUT_OF_DATE = 'This form is out of date. Open the page again, then send it.'
const STILL_SENDING = 'This form is still being sent. Wait a moment, then open the page again to see whether it went through.'
const SENT_BY_SOMEONE_ELSE = 'This form was already sent by someone signed in as another person. Open the page again to send it yourself.'

// A success is marked on its answer, which stays what the action returns (and types).
const repeats = new WeakMap<object, Repeat>()

/** A fresh token for one rendered form; every load of the page makes new ones. */
export function newSubmissionToken(): string {
  return randomUUID()
}

/** Marks `answer` as a success, and says what a repeat of the submission is answered instead. */
export function submitted<T extends object>(answer: T, repeat: Repeat): T {
  repeats.set(answer, repeat)
  return answer
}

/** A success that ends in a redirect with a flash: a repeat is answered the same. */
export async function redirectOnce(ctx: Pick<CasewayContext, 'env'>, request: Request, to: string, flash: Flash): Promise<Response> {
  return submitted(await redirectWithFlash(ctx, request, to, flash), { redirectTo: to, flash })
}

/**
 * Runs `work` once per token of `form`: the first request with a token does, and
 * a repeat of a success is redirected as `work` asked. `actorId` is who is signed
 * in (null: nobody); a token someone else used first is refused.
 */
export async function submitOnce<T>(
  ctx: Ctx,
  request: Request,
  formData: FormData,
  input: { form: string; actorId: string | null },
  work: (submission: Submission) => Promise<T>,
): Promise<T | Response> {
  const token = z.uuid().safeParse(formData.get(SUBMISSION_FIELD))
  if (!token.success) throw new Response(OUT_OF_DATE, { status: 400, headers: text })
  const claim = await claimSubmission(ctx.db, { ...input, token: token.data, waitMs: REPEAT_WAITS_MS })
  switch (claim.status) {
    case 'done':
      ctx.log.info({ form: input.form, event: 'submission_repeated' }, 'a form sent again was answered as the first time')
      return answerRepeat(ctx, request, claim.answer)
    case 'in_progress':
      throw new Response(STILL_SENDING, { status: 409, headers: text })
    case 'foreign':
      throw new Response(SENT_BY_SOMEONE_ELSE, { status: 409, headers: text })
  }
  let answer: T
  try {
    answer = await work({ recordWithin: (tx, repeat) => recordSubmissionAnswer(tx, claim.id, RepeatSchema.parse(repeat)) })
  } catch (error) {
    await settle(ctx, input.form, () => releaseSubmission(ctx.db, claim.id))
    throw error
  }
  const repeat = answer !== null && typeof answer === 'object' ? repeats.get(answer) : undefined
  await settle(ctx, input.form, () =>
    repeat ? completeSubmission(ctx.db, claim.id, RepeatSchema.parse(repeat)) : releaseSubmission(ctx.db, claim.id),
  )
  return answer
}

/**
 * The work is done either way: a record that cannot be settled is logged, not
 * answered with an error. Its claim then waits out ABANDONED_AFTER_MS.
 */
async function settle(ctx: Ctx, form: string, step: () => Promise<void>): Promise<void> {
  try {
    await step()
  } catch (error) {
    ctx.log.error({ err: error, form }, 'could not record how a form submission ended')
  }
}

async function answerRepeat(ctx: Ctx, request: Request, answer: unknown): Promise<Response> {
  const repeat = RepeatSchema.parse(answer)
  const to = safeRedirect(repeat.redirectTo)
  return repeat.flash ? redirectWithFlash(ctx, request, to, repeat.flash) : redirect(to)
}

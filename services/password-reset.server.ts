/**
 * "Forgot your password?": a single-use link by email, valid for an hour. Only
 * a SHA-256 hash of the token is stored (it is long and random, so a slow hash
 * adds nothing). Using it sets the new password and ends every session of that
 * person, so whoever knew the old password is signed out too. How often links
 * may be asked for is the portal's guessing limit (auth-throttle.server.ts).
 */
import { createHash, randomBytes } from 'node:crypto'
import { forgetAttempts, throttleKey } from './auth-throttle.server.ts'
import type { ServiceContext } from './context.ts'
import { hashPassword } from './password.server.ts'
import { queueEmail } from './outbox.server.ts'

type Ctx = Pick<ServiceContext, 'db' | 'env' | 'log' | 'temporal'>

export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000

export function hashResetToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/**
 * Sends a reset link if the email belongs to an account. The caller says the
 * same thing either way, so the answer does not reveal who has an account.
 */
export async function requestPasswordReset(ctx: Ctx, email: string): Promise<void> {
  const user = await ctx.db.user.findFirst({
    where: { email: { equals: email, mode: 'insensitive' } },
    select: { id: true, email: true, name: true },
  })
  if (!user) {
    ctx.log.info({ event: 'password_reset_unknown_email' }, 'password reset asked for an unknown email')
    return
  }
  const { id, link } = await issuePasswordLink(ctx, user.id, RESET_TOKEN_TTL_MS)
  await queueEmail(ctx, {
    to: user.email,
    subject: 'Reset your Caseway password',
    dedupeKey: `password-reset:${id}`,
    text: [
      `Hello ${user.name},`,
      '',
      'Someone (we hope you) asked to reset the password of your Caseway account.',
      `Choose a new password here within the next hour: ${link}`,
      '',
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ].join('\n'),
  })
}

/**
 * A single-use link to choose a password, valid for `validForMs`: a reset's,
 * or an invited colleague's first. The caller mails it (`id` keys the email).
 */
export async function issuePasswordLink(
  ctx: Pick<ServiceContext, 'db' | 'env'>,
  userId: string,
  validForMs: number,
): Promise<{ id: string; link: string }> {
  const token = randomBytes(32).toString('base64url')
  const row = await ctx.db.passwordResetToken.create({
    data: { userId, tokenHash: hashResetToken(token), expiresAt: new Date(Date.now() + validForMs) },
    select: { id: true },
  })
  return { id: row.id, link: `${ctx.env.publicUrl}/reset-password?${new URLSearchParams({ token })}` }
}

/** The token's row if it can still be used. */
export async function findUsableResetToken(ctx: Pick<ServiceContext, 'db'>, token: string) {
  if (!token || token.length > 200) return null
  const row = await ctx.db.passwordResetToken.findUnique({
    where: { tokenHash: hashResetToken(token) },
    select: { id: true, userId: true, expiresAt: true, usedAt: true, user: { select: { email: true } } },
  })
  if (!row || row.usedAt !== null || row.expiresAt <= new Date()) return null
  return row
}

/**
 * Sets the new password, uses up the token (and any other open ones of the
 * same person) and ends every session. Strangers' failed sign-ins on the email
 * are forgotten: the person proved it is theirs, and signs in at once on any
 * device. False if the token cannot be used.
 */
export async function resetPassword(ctx: Ctx, token: string, password: string): Promise<{ ok: true; userId: string } | { ok: false }> {
  const passwordHash = await hashPassword(password)
  const now = new Date()
  return ctx.db.$transaction(async (tx) => {
    // Marking it used in the same statement that checks it: two tabs cannot both use one link.
    const claimed = await tx.passwordResetToken.updateManyAndReturn({
      where: { tokenHash: hashResetToken(token), usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
      select: { userId: true },
    })
    const userId = claimed[0]?.userId
    if (!userId) return { ok: false as const }
    const { email } = await tx.user.update({ where: { id: userId }, data: { passwordHash }, select: { email: true } })
    await tx.passwordResetToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } })
    await tx.session.deleteMany({ where: { userId } })
    await forgetAttempts(tx, [throttleKey('sign-in', 'account', email).key])
    ctx.log.info({ userId, event: 'password_reset' }, 'password reset; every session ended')
    return { ok: true as const, userId }
  })
}

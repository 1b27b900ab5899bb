/**
 * Who sends a request filled in signed out: a new account made with it, or the
 * account its email already has when the password given is that account's. That
 * is a sign-in like the sign-in page's: the same throttle, and the same answer
 * for a wrong password as for an account without one.
 */
import type { Role } from '../../../domain/ticket.ts'
import { AccountError, createAccount } from '../../../services/accounts.server.ts'
import type { CasewayContext } from '../context.ts'
import { createSession, signIn } from '../utils/auth.server.ts'
import { roleHasPermission } from '../utils/permissions.ts'

type Ctx = Pick<CasewayContext, 'db' | 'env' | 'log' | 'clientAddress'>

/** A person is a family towards every organisation they are not on the team of. */
export function mayRequestAsFamily(role: Role | undefined): boolean {
  return roleHasPermission(role && role !== 'family' ? role : 'family', 'create:ticket:own')
}

export type Requester =
  | { ok: true; userId: string; account: 'new' | 'existing'; setCookie: string }
  | { ok: false; reason: 'password' | 'team' }
  | { ok: false; reason: 'throttled'; retryAfterMs: number }

export async function requesterSignedOut(
  ctx: Ctx,
  request: Request,
  orgId: string,
  person: { name: string; email: string; password: string },
): Promise<Requester> {
  try {
    const created = await createAccount(ctx.db, person)
    ctx.log.info({ userId: created.id, orgId, event: 'signed_up' }, 'family signed up with a request')
    return { ok: true, userId: created.id, account: 'new', setCookie: await createSession(ctx, request, created.id) }
  } catch (error) {
    if (!(error instanceof AccountError)) throw error
  }
  const signedIn = await signIn(ctx, request, person)
  if (signedIn.status === 'throttled') return { ok: false, reason: 'throttled', retryAfterMs: signedIn.retryAfterMs }
  if (signedIn.status === 'invalid') return { ok: false, reason: 'password' }
  const membership = await ctx.db.membership.findUnique({
    where: { orgId_userId: { orgId, userId: signedIn.userId } },
    select: { role: true },
  })
  if (!mayRequestAsFamily(membership?.role)) return { ok: false, reason: 'team' }
  ctx.log.info({ userId: signedIn.userId, orgId, event: 'signed_in' }, 'family signed in with a request')
  return { ok: true, userId: signedIn.userId, account: 'existing', setCookie: await createSession(ctx, request, signedIn.userId) }
}

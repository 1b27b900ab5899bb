/**
 * Who is asking: email + password sign-in, sessions stored in Postgres (the
 * signed cookie carries only the Session row id), sign out. A session id is
 * never reused across a sign-in or a password change: each makes a new one and
 * ends the one the browser brought (fixation, a shared computer).
 */
import { redirect } from '@remix-run/node'
import type { Role } from '../../../domain/ticket.ts'
import { isStaffRole } from '../../../domain/ticket.ts'
import type { CasewayContext } from '../context.ts'
import { SESSION_MAX_AGE_SECONDS, sessionCookie } from './cookies.server.ts'
import { safeRedirect } from './http.ts'
import { attemptSucceeded } from '../../../services/auth-throttle.server.ts'
import { hashPassword, verifyPassword } from '../../../services/password.server.ts'
import { chargeAuthAttempt, rememberDevice } from './sign-in-throttle.server.ts'

type Ctx = Pick<CasewayContext, 'db' | 'env' | 'log' | 'clientAddress'>

export interface SessionUser {
  id: string
  email: string
  name: string
  memberships: { orgId: string; role: Role; org: { slug: string; name: string } }[]
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}

const sessionUserSelect = {
  id: true,
  email: true,
  name: true,
  memberships: {
    select: { orgId: true, role: true, org: { select: { slug: true, name: true } } },
    orderBy: { createdAt: 'asc' },
  },
} as const

async function readSessionId(ctx: Ctx, request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie(ctx.env, request).parse(request.headers.get('Cookie'))
  return isUuid(value) ? value : null
}

export async function getUser(ctx: Ctx, request: Request): Promise<SessionUser | null> {
  const sessionId = await readSessionId(ctx, request)
  if (!sessionId) return null
  const session = await ctx.db.session.findUnique({
    where: { id: sessionId },
    select: { expiresAt: true, user: { select: sessionUserSelect } },
  })
  if (!session) return null
  if (session.expiresAt <= new Date()) {
    await ctx.db.session.deleteMany({ where: { id: sessionId } })
    return null
  }
  return session.user
}

/** The sign-in page, coming back to the current page afterwards. */
export function loginPath(request: Request): string {
  const url = new URL(request.url)
  return `/login?${new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` })}`
}

export async function requireUser(ctx: Ctx, request: Request): Promise<SessionUser> {
  const user = await getUser(ctx, request)
  if (!user) throw redirect(loginPath(request))
  return user
}

/** Staff (or admin) of at least one organisation work the queue; everyone else is a family. */
export function staffMemberships(user: SessionUser) {
  return user.memberships.filter((m) => isStaffRole(m.role))
}

export function homePath(user: SessionUser): string {
  return staffMemberships(user).length ? '/staff/tickets' : '/my/tickets'
}

/** The user's staff or admin role in `orgId`; 403 for anyone else. */
export async function requireStaff(ctx: Ctx, request: Request, orgId: string) {
  const user = await requireUser(ctx, request)
  const membership = user.memberships.find((m) => m.orgId === orgId && isStaffRole(m.role))
  if (!membership) throw new Response('Only staff of this organisation can see this page', { status: 403 })
  return { user, role: membership.role }
}

// Checking a password against this when the email is unknown makes both
// answers take the same time, so response times do not reveal accounts.
let timingDummyHash: Promise<string> | undefined

export type SignInResult = { status: 'ok'; userId: string } | { status: 'invalid' } | { status: 'throttled'; retryAfterMs: number }

/** Checks a password, counted by the guessing limits (sign-in-throttle.server.ts) before it is checked. */
export async function signIn(ctx: Ctx, request: Request, input: { email: string; password: string }): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase()
  const attempt = await chargeAuthAttempt(ctx, request, 'sign-in', email)
  if (!attempt.allowed) {
    ctx.log.warn({ event: 'sign_in_throttled', retryAfterMs: attempt.retryAfterMs }, 'sign-in refused: too many attempts')
    return { status: 'throttled', retryAfterMs: attempt.retryAfterMs }
  }
  const user = await ctx.db.user.findFirst({
    where: { email: { equals: email, mode: 'insensitive' } },
    select: { id: true, passwordHash: true },
  })
  timingDummyHash ??= hashPassword('caseway-timing-dummy')
  const ok = await verifyPassword(user?.passwordHash ?? (await timingDummyHash), input.password)
  if (!user || !user.passwordHash || !ok) return { status: 'invalid' }
  await attemptSucceeded(ctx.db, attempt.keys)
  return { status: 'ok', userId: user.id }
}

function newSession(ctx: Ctx, userId: string) {
  return ctx.db.session.create({
    data: { userId, expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000) },
    select: { id: true },
  })
}

/** Starts a session, ending the one this browser brought (anyone's); the Set-Cookie value that carries it. */
export async function createSession(ctx: Ctx, request: Request, userId: string): Promise<string> {
  const previous = await readSessionId(ctx, request)
  if (previous) await ctx.db.session.deleteMany({ where: { id: previous } })
  const session = await newSession(ctx, userId)
  return sessionCookie(ctx.env, request).serialize(session.id)
}

/** Starts a session and redirects with its cookie; the browser is remembered as one this account signs in on. */
export async function createSessionAndRedirect(ctx: Ctx, request: Request, userId: string, redirectTo: string) {
  const { email } = await ctx.db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } })
  const headers = new Headers()
  headers.append('Set-Cookie', await createSession(ctx, request, userId))
  headers.append('Set-Cookie', await rememberDevice(ctx, request, email))
  return redirect(safeRedirect(redirectTo), { headers })
}

/** Deletes the session row, clears the cookie and goes home. */
export async function signOut(ctx: Ctx, request: Request): Promise<Response> {
  const sessionId = await readSessionId(ctx, request)
  if (sessionId) await ctx.db.session.deleteMany({ where: { id: sessionId } })
  return redirect('/', {
    headers: { 'Set-Cookie': await sessionCookie(ctx.env, request).serialize('', { maxAge: 0 }) },
  })
}

/** Ends every session of this person, on every device, this one included. */
export async function signOutEverywhere(ctx: Ctx, request: Request, userId: string): Promise<Headers> {
  const { count } = await ctx.db.session.deleteMany({ where: { userId } })
  ctx.log.info({ userId, sessions: count, event: 'signed_out_everywhere' }, 'every session ended')
  return new Headers({ 'Set-Cookie': await sessionCookie(ctx.env, request).serialize('', { maxAge: 0 }) })
}

/**
 * The person's current password, asked before changing it: a sign-in as
 * themselves, under the same limits, so a borrowed session cannot guess it.
 */
export async function checkPassword(ctx: Ctx, request: Request, user: Pick<SessionUser, 'email'>, password: string): Promise<SignInResult> {
  return signIn(ctx, request, { email: user.email, password })
}

/**
 * A new password ends every session of the person, this one too, and starts a
 * new one here: whoever knew the old password, or this session's id, is signed
 * out. The Set-Cookie value of the new session.
 */
export async function changePassword(ctx: Ctx, request: Request, userId: string, password: string): Promise<string> {
  const passwordHash = await hashPassword(password)
  const [, , session] = await ctx.db.$transaction([
    ctx.db.user.update({ where: { id: userId }, data: { passwordHash } }),
    ctx.db.session.deleteMany({ where: { userId } }),
    newSession(ctx, userId),
  ])
  ctx.log.info({ userId, event: 'password_changed' }, 'password changed; every session ended, a new one started here')
  return sessionCookie(ctx.env, request).serialize(session.id)
}

/** The signed-in person as a family: someone with no staff role anywhere. */
export function isFamilyOnly(user: SessionUser): boolean {
  return staffMemberships(user).length === 0
}

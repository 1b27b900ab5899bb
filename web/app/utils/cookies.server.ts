/**
 * The portal's cookies: the session id, a one-shot flash message, the staff
 * queue's last chosen view and the accounts signed in on this browser before,
 * all signed with SESSION_SECRET. Secure everywhere except on localhost, where browsers
 * refuse Secure cookies over plain http.
 */
import { createCookie } from '@remix-run/node'
import type { Env } from '../../../lib/env.ts'

export const SESSION_MAX_AGE_SECONDS = 60 * 60 * 24 * 30

// Only ever used outside production: parseEnv leaves SESSION_SECRET optional so
// development needs no setup, and web/server/main.ts refuses to start a
// production server without one.
const DEVELOPMENT_SECRET = 'caseway-development-only-session-secret'

export function sessionSecrets(env: Pick<Env, 'SESSION_SECRET' | 'NODE_ENV'>): string[] {
  if (env.SESSION_SECRET) return [env.SESSION_SECRET]
  if (env.NODE_ENV === 'production') throw new Error('SESSION_SECRET must be set in production (16 characters or more)')
  return [DEVELOPMENT_SECRET]
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

function isLocalRequest(request: Request): boolean {
  return LOCAL_HOSTS.has(new URL(request.url).hostname)
}

export function sessionCookie(env: Env, request: Request) {
  return createCookie('caseway_session', {
    httpOnly: true,
    sameSite: 'lax',
    secure: !isLocalRequest(request),
    path: '/',
    maxAge: SESSION_MAX_AGE_SECONDS,
    secrets: sessionSecrets(env),
  })
}

export function flashCookie(env: Env, request: Request) {
  return createCookie('caseway_flash', {
    httpOnly: true,
    sameSite: 'lax',
    secure: !isLocalRequest(request),
    path: '/',
    maxAge: 60,
    secrets: sessionSecrets(env),
  })
}

/** "mine" or "all": the queue view a member of staff last chose, so /staff/tickets opens on it. */
export function queueViewCookie(env: Env, request: Request) {
  return createCookie('caseway_queue_view', {
    httpOnly: true,
    sameSite: 'lax',
    secure: !isLocalRequest(request),
    path: '/staff',
    maxAge: 60 * 60 * 24 * 365,
    secrets: sessionSecrets(env),
  })
}

/**
 * Digests of the emails whose accounts signed in on this browser (the latest
 * few): their sign-ins here are not slowed by a stranger's guesses elsewhere
 * (sign-in-throttle.server.ts). Signed, so nobody can claim an account with it.
 */
export function knownDeviceCookie(env: Env, request: Request) {
  return createCookie('caseway_device', {
    httpOnly: true,
    sameSite: 'lax',
    secure: !isLocalRequest(request),
    path: '/',
    maxAge: 60 * 60 * 24 * 365,
    secrets: sessionSecrets(env),
  })
}

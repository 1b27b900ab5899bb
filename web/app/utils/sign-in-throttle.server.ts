/**
 * The portal's side of the guessing limits (services/auth-throttle.server.ts):
 * what an attempt from this request is counted against, the browsers a person
 * signed in on before, and what a refused attempt says. A browser an account
 * signed in on is counted apart from everyone else, so a stranger guessing at a
 * family's email cannot keep the family out on their own phone.
 */
import type { HeadersFunction } from '@remix-run/node'
import { chargeAttempt, emailDigest, throttleKey, type Charge, type ThrottledAction } from '../../../services/auth-throttle.server.ts'
import type { CasewayContext } from '../context.ts'
import { knownDeviceCookie } from './cookies.server.ts'

type Ctx = Pick<CasewayContext, 'db' | 'env' | 'clientAddress'>

/** Accounts one browser remembers: a shared family computer has a few. */
export const KNOWN_ACCOUNTS_PER_DEVICE = 5

async function knownAccounts(ctx: Ctx, request: Request): Promise<string[]> {
  const value: unknown = await knownDeviceCookie(ctx.env, request).parse(request.headers.get('Cookie'))
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/**
 * Counts an attempt to sign in as (or reset the password of) `email`: on a
 * browser that account signed in on before, against that account's browsers;
 * anywhere else, against the network and the email, known or not, so the
 * answer is the same whether an account exists.
 */
export async function chargeAuthAttempt(ctx: Ctx, request: Request, action: ThrottledAction, email: string): Promise<Charge> {
  const known = (await knownAccounts(ctx, request)).includes(emailDigest(email))
  const keys = known
    ? [throttleKey(action, 'device', email)]
    : [...(ctx.clientAddress ? [throttleKey(action, 'network', ctx.clientAddress)] : []), throttleKey(action, 'account', email)]
  return chargeAttempt(ctx.db, keys)
}

/** The Set-Cookie that adds `email`'s account to the ones this browser signed in on (most recent first). */
export async function rememberDevice(ctx: Ctx, request: Request, email: string): Promise<string> {
  const account = emailDigest(email)
  const accounts = [account, ...(await knownAccounts(ctx, request)).filter((a) => a !== account)]
  return knownDeviceCookie(ctx.env, request).serialize(accounts.slice(0, KNOWN_ACCOUNTS_PER_DEVICE))
}

/** A wait in words: seconds while it is short, then minutes. */
export function waitInWords(retryAfterMs: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
}

/** What a refused sign-in says, wherever a password is given (the sign-in page, the request form, the account page). */
export function throttledMessage(retryAfterMs: number): string {
  return `Too many attempts for this email or from this network. Please wait ${waitInWords(retryAfterMs)} and try again.`
}

/** What a refused reset request says: the same for every email, with an account or not. */
export function resetThrottledMessage(retryAfterMs: number): string {
  return `Too many reset links were asked for this email or from this network. Please wait ${waitInWords(retryAfterMs)} and try again.`
}

/** The Retry-After header's value. */
export function retryAfterSeconds(retryAfterMs: number): string {
  return String(Math.ceil(retryAfterMs / 1000))
}

/** A route's `headers`: a refusal's Retry-After reaches the page, which Remix passes on only cookies of by itself. */
export const passRetryAfter: HeadersFunction = ({ actionHeaders }) => {
  const headers = new Headers()
  const retryAfter = actionHeaders.get('Retry-After')
  if (retryAfter) headers.set('Retry-After', retryAfter)
  return headers
}

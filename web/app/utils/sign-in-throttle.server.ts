/**
 * Slows password guessing: after 10 failed sign-ins for one email within 15
 * minutes, that email is refused until the oldest failure ages out. In memory,
 * per process: enough for one web process; a shared store comes with scaling out.
 */
export const MAX_FAILURES = 10
export const WINDOW_MS = 15 * 60 * 1000

const PRUNE_AT = 10_000
const failures = new Map<string, number[]>()

function recent(email: string, now: number): number[] {
  const kept = (failures.get(email) ?? []).filter((at) => now - at < WINDOW_MS)
  if (kept.length) failures.set(email, kept)
  else failures.delete(email)
  return kept
}

/** Milliseconds until this email may try again, or 0 if it may try now. */
export function signInRetryAfterMs(email: string, now = Date.now()): number {
  const kept = recent(email, now)
  if (kept.length < MAX_FAILURES) return 0
  return kept[kept.length - MAX_FAILURES]! + WINDOW_MS - now
}

export function recordSignInFailure(email: string, now = Date.now()): void {
  // Guesses spread over many emails must not grow the map without bound.
  if (failures.size >= PRUNE_AT) for (const key of [...failures.keys()]) recent(key, now)
  failures.set(email, [...recent(email, now), now])
}

export function clearSignInFailures(email: string): void {
  failures.delete(email)
}

/** What a refused sign-in says, wherever a password is given (the sign-in page, the request form). */
export function throttledMessage(retryAfterMs: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000))
  return `Too many failed attempts for this email. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`
}

/** The Retry-After header's value. */
export function retryAfterSeconds(retryAfterMs: number): string {
  return String(Math.ceil(retryAfterMs / 1000))
}

import { describe, expect, it } from 'vitest'
import { clearSignInFailures, MAX_FAILURES, recordSignInFailure, signInRetryAfterMs, WINDOW_MS } from './sign-in-throttle.server.ts'

describe('sign-in throttle', () => {
  it('refuses an email after 10 failures until the oldest ages out of the window', () => {
    const email = `throttle-${Math.random()}@test.example`
    const start = 1_000_000
    for (let i = 0; i < MAX_FAILURES - 1; i++) recordSignInFailure(email, start + i)
    expect(signInRetryAfterMs(email, start + 100)).toBe(0)
    recordSignInFailure(email, start + 50)
    expect(signInRetryAfterMs(email, start + 100)).toBe(WINDOW_MS - 100)
    expect(signInRetryAfterMs(email, start + WINDOW_MS + 1)).toBe(0)
  })

  it('forgets failures after a successful sign-in', () => {
    const email = `cleared-${Math.random()}@test.example`
    for (let i = 0; i < MAX_FAILURES; i++) recordSignInFailure(email, 5)
    expect(signInRetryAfterMs(email, 10)).toBeGreaterThan(0)
    clearSignInFailures(email)
    expect(signInRetryAfterMs(email, 10)).toBe(0)
  })
})

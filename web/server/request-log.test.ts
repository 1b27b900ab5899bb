import { describe, expect, it } from 'vitest'
import { loggedUrl, requestLogLevel } from './request-log.ts'

describe('requestLogLevel', () => {
  it('keeps every request as an access log for log collectors, a client’s mistake as a warning', () => {
    expect(requestLogLevel(200, false, 'json')).toBe('info')
    expect(requestLogLevel(302, false, 'json')).toBe('info')
    expect(requestLogLevel(404, false, 'json')).toBe('warn')
  })

  it('shows a person at a terminal requests only at debug', () => {
    expect(requestLogLevel(200, false, 'pretty')).toBe('debug')
    expect(requestLogLevel(400, false, 'pretty')).toBe('debug')
    expect(requestLogLevel(404, false, 'pretty')).toBe('debug')
  })

  it('logs a failure as an error for both', () => {
    for (const format of ['json', 'pretty'] as const) {
      expect(requestLogLevel(500, false, format)).toBe('error')
      expect(requestLogLevel(503, false, format)).toBe('error')
      expect(requestLogLevel(200, true, format)).toBe('error')
    }
  })
})

describe('loggedUrl', () => {
  it('replaces the value of a secret parameter, however it is spelled, and keeps the rest', () => {
    expect(loggedUrl('/reset-password?token=abc123')).toBe('/reset-password?token=[redacted]')
    expect(loggedUrl('/reset-password?TOKEN=abc&tok%65n=def&redirectTo=%2Fx')).toBe(
      '/reset-password?TOKEN=[redacted]&tok%65n=[redacted]&redirectTo=%2Fx',
    )
    expect(loggedUrl('/staff/tickets?q=Fran&sort=due')).toBe('/staff/tickets?q=Fran&sort=due')
    expect(loggedUrl('/login')).toBe('/login')
  })
})

import { describe, expect, it } from 'vitest'
import { parseEnv } from '../../../lib/env.ts'
import { emailDigest } from '../../../services/auth-throttle.server.ts'
import { knownDeviceCookie } from './cookies.server.ts'
import { KNOWN_ACCOUNTS_PER_DEVICE, rememberDevice, throttledMessage, waitInWords } from './sign-in-throttle.server.ts'

const env = parseEnv({ NODE_ENV: 'test' })
const ctx = { db: undefined as never, env }

describe('waitInWords', () => {
  it('says short waits in seconds and longer ones in minutes, never zero', () => {
    expect(waitInWords(0)).toBe('1 second')
    expect(waitInWords(1_200)).toBe('2 seconds')
    expect(waitInWords(59_000)).toBe('59 seconds')
    expect(waitInWords(60_000)).toBe('1 minute')
    expect(waitInWords(14 * 60_000 + 1)).toBe('15 minutes')
    expect(throttledMessage(4_000)).toMatch(/wait 4 seconds and try again/)
  })
})

describe('rememberDevice', () => {
  it('keeps the latest accounts signed in on this browser, each once, in a signed cookie', async () => {
    let request = new Request('http://localhost/login')
    const emails = Array.from({ length: KNOWN_ACCOUNTS_PER_DEVICE + 1 }, (_, i) => `person-${i}@family.example`)
    for (const email of [...emails, emails[KNOWN_ACCOUNTS_PER_DEVICE]!]) {
      const setCookie = await rememberDevice(ctx, request, email)
      request = new Request('http://localhost/login', { headers: { Cookie: setCookie.split(';')[0]! } })
    }
    const cookie = knownDeviceCookie(env, request)
    const remembered: unknown = await cookie.parse(request.headers.get('Cookie'))
    expect(remembered).toEqual(emails.slice(1).reverse().map(emailDigest))
    // A value not signed by the server is not a list of accounts.
    const forged = `caseway_device=${Buffer.from(JSON.stringify([emailDigest('fran@family.example')])).toString('base64')}`
    expect(await cookie.parse(forged)).toBeNull()
  })
})

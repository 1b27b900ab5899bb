import { describe, expect, it } from 'vitest'
import { emailDigest, networkOf, SCHEDULES, throttleKey } from './auth-throttle.server.ts'

describe('networkOf', () => {
  it('counts an IPv4 address as itself, and one written as IPv6 the same', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7')
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7')
  })

  it('counts an IPv6 address by its /64, however it is written', () => {
    const network = '2001:db8:85a3:42::/64'
    expect(networkOf('2001:db8:85a3:42::1')).toBe(network)
    expect(networkOf('2001:0DB8:85a3:0042:ffff:1:2:3')).toBe(network)
    expect(networkOf('2001:db8:85a3:42:0:0:0:9%eth0')).toBe(network)
    expect(networkOf('2001:db8:85a3:43::1')).not.toBe(network)
    expect(networkOf('::1')).toBe('0:0:0:0::/64')
  })
})

describe('throttleKey', () => {
  it('names the action and the subject, and stores neither the email nor the address', () => {
    const key = throttleKey('sign-in', 'account', ' Fran@Family.example ')
    expect(key.key).toBe(`sign-in:account:${emailDigest('fran@family.example')}`)
    expect(key.key).not.toContain('family')
    expect(throttleKey('password-reset', 'network', '2001:db8::1').key).toBe(throttleKey('password-reset', 'network', '2001:db8::2').key)
    expect(throttleKey('sign-in', 'network', '203.0.113.7').key).not.toContain('203')
    expect(key.schedule).toBe(SCHEDULES['sign-in'].account)
  })

  it('allows a network more attempts than one account, and a reset fewer than a sign-in', () => {
    for (const action of ['sign-in', 'password-reset'] as const)
      expect(SCHEDULES[action].network.free).toBeGreaterThan(SCHEDULES[action].account.free)
    expect(SCHEDULES['password-reset'].account.free).toBeLessThan(SCHEDULES['sign-in'].account.free)
  })
})

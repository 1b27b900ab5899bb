import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { OrganisationProfileSchema } from './organisation-settings.server.ts'

const base = { name: 'Brightpath', acceptsRequests: true, assignOnFirstReply: true }
const parse = (changes: Record<string, unknown>) => OrganisationProfileSchema.safeParse({ ...base, ...changes })
const errorsOf = (changes: Record<string, unknown>) => {
  const parsed = parse(changes)
  return parsed.success ? {} : z.flattenError(parsed.error).fieldErrors
}

describe('OrganisationProfileSchema', () => {
  it('blank optional details are null, so families are told nothing of them', () => {
    expect(parse({ responseTime: '  ', contactEmail: '', contactPhone: '', website: '', postalAddress: '' }).data).toEqual({
      ...base,
      about: '',
      responseTime: null,
      contactEmail: null,
      contactPhone: null,
      website: null,
      postalAddress: null,
    })
  })

  it('a response time reads after “Usually responds”, once', () => {
    expect(parse({ responseTime: 'within one working day' }).data?.responseTime).toBe('within one working day')
    expect(parse({ responseTime: 'Usually responds within a day' }).data?.responseTime).toBe('within a day')
    expect(parse({ responseTime: 'responds within a week' }).data?.responseTime).toBe('within a week')
    expect(parse({ responseTime: 'Usually responds ' }).data?.responseTime).toBeNull()
  })

  it('a website without a scheme is https; only http(s) addresses with a host are taken', () => {
    expect(parse({ website: 'brightpath.example/help' }).data?.website).toBe('https://brightpath.example/help')
    expect(parse({ website: 'http://brightpath.example' }).data?.website).toBe('http://brightpath.example')
    for (const website of [
      'javascript:alert(1)',
      'ftp://files.example',
      'https://localhost',
      'https://user:pw@brightpath.example',
      'not a site',
    ])
      expect(errorsOf({ website })).toEqual({ website: ['Enter a web address, like https://example.org'] })
  })

  it('an email is lower-cased; a phone number needs digits', () => {
    expect(parse({ contactEmail: ' Hello@Brightpath.Example ' }).data?.contactEmail).toBe('hello@brightpath.example')
    expect(errorsOf({ contactEmail: 'hello at brightpath' }).contactEmail).toHaveLength(1)
    expect(parse({ contactPhone: '+44 (0)161 496-0000' }).data?.contactPhone).toBe('+44 (0)161 496-0000')
    expect(errorsOf({ contactPhone: 'call us' }).contactPhone).toEqual(['Enter a phone number, like 0161 496 0000 or +44 161 496 0000'])
    expect(errorsOf({ contactPhone: '12' }).contactPhone).toHaveLength(1)
  })

  it('the name is required, addresses keep their lines, and nothing takes control characters', () => {
    expect(errorsOf({ name: ' ' })).toEqual({ name: ['Enter the organisation’s name'] })
    expect(parse({ postalAddress: 'Unit 4\nMill Yard' }).data?.postalAddress).toBe('Unit 4\nMill Yard')
    expect(errorsOf({ responseTime: 'within\u0000a day' }).responseTime).toHaveLength(1)
    expect(errorsOf({ about: 'x'.repeat(2001) }).about).toEqual(['Keep this under 2000 characters'])
  })
})

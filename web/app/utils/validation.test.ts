import { describe, expect, it } from 'vitest'
import { safeRedirect } from './http.ts'
import { LoginSchema, parseForm, TicketActionSchema, TicketRequestSchema } from './validation.ts'

function form(values: Record<string, string>) {
  const data = new FormData()
  for (const [key, value] of Object.entries(values)) data.set(key, value)
  return data
}

describe('the request form', () => {
  it('says which fields are missing, in words for families', () => {
    const result = parseForm(form({ subject: '  ' }), TicketRequestSchema)
    expect(result.success).toBe(false)
    if (result.success) return
    expect(result.fieldErrors.type).toEqual(['Choose what you need help with'])
    expect(result.fieldErrors.subject).toEqual(['Give your request a short subject'])
    expect(result.fieldErrors.message).toEqual(['Tell us what is happening and how we can help'])
  })

  it('trims text and drops a blank child name and team', () => {
    const result = parseForm(
      form({ type: 'ehcp', subject: ' Help ', childName: ' ', departmentId: '', message: ' Please ' }),
      TicketRequestSchema,
    )
    expect(result).toEqual({
      success: true,
      data: { type: 'ehcp', subject: 'Help', childName: undefined, departmentId: undefined, message: 'Please' },
    })
  })
})

describe('ticket actions', () => {
  it('defaults a reply to public and refuses unknown statuses', () => {
    expect(parseForm(form({ intent: 'reply', body: 'Hi' }), TicketActionSchema)).toMatchObject({
      success: true,
      data: { intent: 'reply', body: 'Hi', visibility: 'public' },
    })
    expect(parseForm(form({ intent: 'change-status', status: 'bogus' }), TicketActionSchema).success).toBe(false)
  })
})

describe('sign in', () => {
  it('normalises the email and never echoes the password', () => {
    expect(parseForm(form({ email: ' Dana@Family.Example ', password: 'x' }), LoginSchema)).toMatchObject({
      success: true,
      data: { email: 'dana@family.example' },
    })
    const failed = parseForm(form({ email: 'nope', password: 'secret' }), LoginSchema)
    expect(failed.success).toBe(false)
    if (!failed.success) expect(failed.values).not.toHaveProperty('password')
  })
})

describe('safeRedirect', () => {
  it.each([
    ['/tickets/a/1', '/tickets/a/1'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
    // Browsers drop tabs and line breaks from URLs: these would become //evil.example.
    ['/\t/evil.example', '/'],
    ['/\r\n/evil.example', '/'],
    ['/tickets\\a', '/'],
    [null, '/'],
  ])('%s -> %s', (to, expected) => {
    expect(safeRedirect(to)).toBe(expected)
  })
})

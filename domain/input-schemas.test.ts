import { describe, expect, it } from 'vitest'
import { caseRef, messageBody } from './input-schemas.ts'
import { formatLimit, MESSAGE_MAX } from './limits.ts'

describe('formatLimit', () => {
  it('groups thousands as people read them', () => {
    expect(formatLimit(20_000)).toBe('20,000')
    expect(formatLimit(1_000_000)).toBe('1,000,000')
    expect(formatLimit(254)).toBe('254')
  })
})

describe('messageBody', () => {
  const schema = messageBody()

  it('states the limit readably when a message is over it', () => {
    const result = schema.safeParse('x'.repeat(MESSAGE_MAX + 1))
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['Keep the message to at most 20,000 characters'])
  })

  it('counts a line break as one character, as the person typing sees it, and stores it as one', () => {
    // Browsers send every line break of a form's text as CR LF.
    const lines = Array.from({ length: 100 }, () => 'x'.repeat(199))
    const typed = lines.join('\n')
    expect(typed.length).toBe(MESSAGE_MAX - 1)
    expect(schema.parse(lines.join('\r\n'))).toBe(typed)
    expect(schema.safeParse(`${typed}xx`).success).toBe(false)
  })

  it('keeps a single-line field refusing line breaks', () => {
    expect(caseRef().safeParse('EHC\r\n2026').success).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { checkUpload, cleanFilename, MAX_FILE_BYTES } from './attachments.server.ts'

const pdf = new TextEncoder().encode('%PDF-1.7 letter')

describe('checkUpload', () => {
  it('accepts a letter and stores the type from its extension, not from the browser', () => {
    expect(checkUpload('Letter from LA.PDF', pdf)).toEqual({
      ok: true,
      upload: { filename: 'Letter from LA.PDF', contentType: 'application/pdf', bytes: pdf },
    })
  })

  it.each([
    ['script.html', pdf, /cannot be attached/],
    ['program.exe', pdf, /cannot be attached/],
    ['fake.pdf', new TextEncoder().encode('<html>not a pdf'), /does not look like a \.pdf file/],
    ['empty.txt', new Uint8Array(), /is empty/],
    ['huge.txt', new Uint8Array(MAX_FILE_BYTES + 1), /larger than 10 MB/],
  ])('refuses %s', (name, bytes, message) => {
    const result = checkUpload(name, bytes)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatch(message)
  })
})

describe('cleanFilename', () => {
  it('keeps the name people chose, without paths, control characters or quotes', () => {
    expect(cleanFilename('C:\\Users\\dana\\letter.pdf')).toBe('letter.pdf')
    expect(cleanFilename('../../etc/passwd')).toBe('passwd')
    expect(cleanFilename('a\u0000b"c.txt')).toBe('abc.txt')
    expect(cleanFilename('')).toBe('file')
    expect(cleanFilename(`${'x'.repeat(200)}.pdf`)).toHaveLength(120)
    expect(cleanFilename(`${'x'.repeat(200)}.pdf`).endsWith('.pdf')).toBe(true)
  })
})

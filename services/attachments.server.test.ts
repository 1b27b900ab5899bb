import { describe, expect, it } from 'vitest'
import { checkUpload, cleanFilename, MAX_FILE_BYTES, MAX_FILES, readFormWithFiles } from './attachments.server.ts'

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

describe('readFormWithFiles', () => {
  const multipart = (form: FormData) => new Request('http://localhost/upload', { method: 'POST', body: form })

  it('reads the text fields and the checked files', async () => {
    const form = new FormData()
    form.append('body', 'Hello')
    form.append('attachments', new File([pdf], 'letter.pdf', { type: 'application/pdf' }))
    form.append('attachments', new File([], '', { type: 'application/octet-stream' }))
    const result = await readFormWithFiles(multipart(form))
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.formData.get('body')).toBe('Hello')
    expect(result.formData.get('attachments')).toBeNull()
    expect(result.uploads.map((u) => u.filename)).toEqual(['letter.pdf'])
  })

  it('stops at one file too many, keeping what was typed', async () => {
    const form = new FormData()
    form.append('body', 'Keep me')
    for (let i = 0; i <= MAX_FILES; i++) form.append('attachments', new File([pdf], `letter-${i}.pdf`))
    const result = await readFormWithFiles(multipart(form))
    expect(result).toMatchObject({ ok: false, error: `Attach at most ${MAX_FILES} files at a time.` })
    expect(result.formData.get('body')).toBe('Keep me')
  })

  it('stops at a file over the size limit', async () => {
    const form = new FormData()
    form.append('attachments', new File([new Uint8Array(MAX_FILE_BYTES + 10)], 'big.pdf'))
    const result = await readFormWithFiles(multipart(form))
    expect(result).toMatchObject({ ok: false, error: 'Each file must be 10 MB or smaller.' })
  })

  it('reads plain forms as they are', async () => {
    const request = new Request('http://localhost/upload', { method: 'POST', body: new URLSearchParams({ body: 'Plain' }) })
    const result = await readFormWithFiles(request)
    expect(result.ok && result.formData.get('body')).toBe('Plain')
  })
})

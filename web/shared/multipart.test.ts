import { describe, expect, it } from 'vitest'
import { Readable } from 'node:stream'
import { MAX_FILE_BYTES, MAX_FILES } from '../../services/attachments.server.ts'
import { readFormWithFiles, readMultipart } from './multipart.ts'

const pdf = new TextEncoder().encode('%PDF-1.7 letter')

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

describe('readMultipart', () => {
  async function streamOf(form: FormData) {
    const request = new Request('http://localhost/upload', { method: 'POST', body: form })
    return { contentType: request.headers.get('content-type')!, body: Readable.from(Buffer.from(await request.arrayBuffer())) }
  }

  it('reads a Node stream, leaving out files sent in other fields', async () => {
    const form = new FormData()
    form.append('payload', '{"body":"Hi"}')
    form.append('other', new File([pdf], 'other.pdf'))
    form.append('attachments', new File([pdf], 'letter.pdf'))
    const { contentType, body } = await streamOf(form)
    const result = await readMultipart(contentType, body)
    expect(result.ok && result.uploads.map((u) => u.filename)).toEqual(['letter.pdf'])
    expect(result.formData.get('payload')).toBe('{"body":"Hi"}')
  })

  it('refuses a text field longer than any form needs', async () => {
    const form = new FormData()
    form.append('body', 'x'.repeat(300_000))
    const { contentType, body } = await streamOf(form)
    expect(await readMultipart(contentType, body)).toMatchObject({ ok: false, tooLarge: true })
  })

  it('refuses a file that is not allowed, keeping the text', async () => {
    const form = new FormData()
    form.append('body', 'Keep me')
    form.append('attachments', new File([pdf], 'script.html'))
    const { contentType, body } = await streamOf(form)
    const result = await readMultipart(contentType, body)
    expect(result).toMatchObject({ ok: false, tooLarge: false })
    expect(result.formData.get('body')).toBe('Keep me')
  })

  it('rejects a body that is not multipart at all', async () => {
    await expect(readMultipart('multipart/form-data; boundary=x', Readable.from([Buffer.from('garbage')]))).rejects.toThrow()
  })
})

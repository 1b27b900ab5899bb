/**
 * Forms that carry files, for the portal's actions and the API alike: the
 * multipart body is read as a stream with @fastify/busboy, keeping at most
 * MAX_FILES files of MAX_FILE_BYTES each in memory. The first broken limit ends
 * the read, so no request holds more than that whatever it sends; the text
 * fields read so far are kept, so the person's message is not lost with a
 * refused file. What may be attached is the services' rule (checkUpload).
 */
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { Busboy } from '@fastify/busboy'
import { checkUpload, MAX_FILE_BYTES, MAX_FILES, type Upload } from '../../services/attachments.server.ts'

/** Text fields are small (a message is at most 20,000 characters); many or huge ones are refused like an oversized file. */
const MAX_TEXT_FIELD_BYTES = 200_000
const MAX_TEXT_FIELDS = 50

/** `tooLarge`: the body broke a size or count limit, rather than holding a file that may not be attached. */
export type FormWithFiles =
  { ok: true; formData: FormData; uploads: Upload[] } | { ok: false; formData: FormData; error: string; tooLarge: boolean }

export function isMultipart(contentType: string | null | undefined): boolean {
  return (contentType ?? '').toLowerCase().startsWith('multipart/form-data')
}

/** A portal action's form, with the files sent in `field`; a form without files is read as it is. */
export async function readFormWithFiles(request: Request, field = 'attachments'): Promise<FormWithFiles> {
  const contentType = request.headers.get('content-type')
  if (!isMultipart(contentType)) return { ok: true, formData: await request.formData(), uploads: [] }
  const body = request.body ? Readable.fromWeb(request.body as NodeReadableStream) : Readable.from([])
  return readMultipart(contentType!, body, field)
}

/**
 * A multipart body as a stream (an Express request, say): its text fields, and
 * the files in `field` that pass checkUpload. Files in other fields are ignored.
 * Rejects when the body is not valid multipart.
 */
export async function readMultipart(contentType: string, body: Readable, field = 'attachments'): Promise<FormWithFiles> {
  const text = new FormData()
  const files = await new Promise<{ name: string; bytes: Uint8Array }[] | { limit: string }>((resolve, reject) => {
    const received: { name: string; bytes: Uint8Array }[] = []
    const reading: Promise<void>[] = []
    let ended = false
    const settle = (outcome: typeof received | { limit: string } | Error) => {
      if (ended) return
      ended = true
      body.unpipe(parser)
      if (outcome instanceof Error) reject(outcome)
      else resolve(outcome)
    }
    const parser = Busboy({
      headers: { 'content-type': contentType },
      limits: {
        fileSize: MAX_FILE_BYTES,
        fields: MAX_TEXT_FIELDS,
        fieldSize: MAX_TEXT_FIELD_BYTES,
        parts: MAX_TEXT_FIELDS + MAX_FILES + 10,
      },
    })
    parser.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) return settle({ limit: 'One of the form’s fields is too long.' })
      text.append(name, value)
    })
    parser.on('file', (name, stream, filename) => {
      // An empty file input still sends one nameless, empty part: it is no file.
      if (name !== field || !filename) return void stream.resume()
      if (reading.length >= MAX_FILES) return settle({ limit: `Attach at most ${MAX_FILES} files at a time.` })
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('limit', () => settle({ limit: `Each file must be ${MAX_FILE_BYTES / 1024 / 1024} MB or smaller.` }))
      reading.push(
        new Promise<void>((done) =>
          stream.on('end', () => {
            received.push({ name: filename, bytes: new Uint8Array(Buffer.concat(chunks)) })
            done()
          }),
        ),
      )
    })
    for (const event of ['fieldsLimit', 'partsLimit', 'filesLimit'] as const)
      parser.on(event, () => settle({ limit: 'The form has too many parts.' }))
    parser.on('error', (error: unknown) => settle(error instanceof Error ? error : new Error(String(error))))
    parser.on('finish', () => void Promise.all(reading).then(() => settle(received)))
    body.on('error', (error) => settle(error))
    body.pipe(parser)
  })
  if ('limit' in files) return { ok: false, formData: text, error: files.limit, tooLarge: true }
  const uploads: Upload[] = []
  const errors: string[] = []
  for (const file of files) {
    const checked = checkUpload(file.name, file.bytes)
    if (checked.ok) uploads.push(checked.upload)
    else errors.push(checked.error)
  }
  if (errors.length) return { ok: false, formData: text, error: errors.join(' '), tooLarge: false }
  return { ok: true, formData: text, uploads }
}

/**
 * Attachments on requests and replies: what may be uploaded (checked on the
 * server, whatever the browser let through), and storing and removing their
 * bytes. Reading them from a multipart body is the web's (web/shared/multipart.ts).
 */
import { randomUUID } from 'node:crypto'
import type { ServiceContext } from './context.ts'
import { fileStoreFor } from './file-store.server.ts'

export const MAX_FILE_BYTES = 10 * 1024 * 1024
export const MAX_FILES = 5

/**
 * The kinds of file families send: letters and reports (PDF, Word, OpenDocument,
 * text) and photos of them (including iPhone HEIC). The stored type comes from
 * this table, never from the browser, and the first bytes must look right.
 */
const FILE_KINDS = {
  pdf: { type: 'application/pdf', magic: [[0x25, 0x50, 0x44, 0x46]] },
  jpg: { type: 'image/jpeg', magic: [[0xff, 0xd8, 0xff]] },
  jpeg: { type: 'image/jpeg', magic: [[0xff, 0xd8, 0xff]] },
  png: { type: 'image/png', magic: [[0x89, 0x50, 0x4e, 0x47]] },
  gif: { type: 'image/gif', magic: [[0x47, 0x49, 0x46, 0x38]] },
  webp: { type: 'image/webp', magic: [[0x52, 0x49, 0x46, 0x46]] },
  heic: { type: 'image/heic', magic: null },
  heif: { type: 'image/heif', magic: null },
  doc: { type: 'application/msword', magic: [[0xd0, 0xcf, 0x11, 0xe0]] },
  docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', magic: [[0x50, 0x4b, 0x03, 0x04]] },
  odt: { type: 'application/vnd.oasis.opendocument.text', magic: [[0x50, 0x4b, 0x03, 0x04]] },
  rtf: { type: 'application/rtf', magic: [[0x7b, 0x5c, 0x72, 0x74, 0x66]] },
  txt: { type: 'text/plain', magic: null },
} as const satisfies Record<string, { type: string; magic: readonly (readonly number[])[] | null }>

type Extension = keyof typeof FILE_KINDS

/** The types an attachment can have: what a download may be sent as. */
export const ATTACHMENT_CONTENT_TYPES = [...new Set(Object.values(FILE_KINDS).map((kind) => kind.type))]

export const ACCEPTED_EXTENSIONS = Object.keys(FILE_KINDS).map((ext) => `.${ext}`)
/** For the file input's `accept`: a hint to the browser's picker, not a check. */
export const ACCEPT_ATTRIBUTE = ACCEPTED_EXTENSIONS.join(',')
export const ATTACHMENT_HINT = `Up to ${MAX_FILES} files, ${MAX_FILE_BYTES / 1024 / 1024} MB each: PDF, Word, photos (JPEG, PNG, HEIC) or text.`

/** A file that passed the checks, held in memory until it is stored. */
export interface Upload {
  filename: string
  contentType: string
  bytes: Uint8Array
}

/** An upload's bytes in the file store, ready to be recorded as an Attachment row. */
export interface StoredUpload {
  filename: string
  contentType: string
  size: number
  storageKey: string
  createdAt: Date
}

/** The name as people see it: no path, no control characters, not too long. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim()
  if (!clean) return 'file'
  if (clean.length <= 120) return clean
  const dot = clean.lastIndexOf('.')
  const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : ''
  return clean.slice(0, 120 - ext.length) + ext
}

function extensionOf(name: string): Extension | null {
  const match = name.toLowerCase().match(/\.([a-z0-9]+)$/)
  return match && match[1]! in FILE_KINDS ? (match[1] as Extension) : null
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte)
}

/** Checks one file against the rules; the message is written for the person who chose it. */
export function checkUpload(name: string, bytes: Uint8Array): { ok: true; upload: Upload } | { ok: false; error: string } {
  const filename = cleanFilename(name)
  const ext = extensionOf(filename)
  if (!ext) return { ok: false, error: `${filename}: this kind of file cannot be attached. Use PDF, Word, a photo or text.` }
  if (bytes.byteLength === 0) return { ok: false, error: `${filename} is empty.` }
  if (bytes.byteLength > MAX_FILE_BYTES) return { ok: false, error: `${filename} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB.` }
  const kind = FILE_KINDS[ext]
  if (kind.magic && !kind.magic.some((magic) => startsWith(bytes, magic)))
    return { ok: false, error: `${filename} does not look like a .${ext} file. Please check it and try again.` }
  return { ok: true, upload: { filename, contentType: kind.type, bytes } }
}

/** Writes the uploads to the file store; if one fails, those already written are removed. */
export async function storeUploads(ctx: Pick<ServiceContext, 'env'>, uploads: readonly Upload[]): Promise<StoredUpload[]> {
  const store = fileStoreFor(ctx.env)
  const stored: StoredUpload[] = []
  // A millisecond apart at least: files are listed by createdAt, in the order they were sent.
  let storedAt = 0
  try {
    for (const upload of uploads) {
      const storageKey = `attachments/${randomUUID()}`
      await store.put(storageKey, upload.bytes)
      storedAt = Math.max(Date.now(), storedAt + 1)
      stored.push({
        filename: upload.filename,
        contentType: upload.contentType,
        size: upload.bytes.byteLength,
        storageKey,
        createdAt: new Date(storedAt),
      })
    }
  } catch (error) {
    await removeStoredFiles(ctx, stored)
    throw error
  }
  return stored
}

/** Removes files whose rows were never written or were rolled back. Best effort: a leftover file harms nobody. */
export async function removeStoredFiles(
  ctx: Pick<ServiceContext, 'env'> & Partial<Pick<ServiceContext, 'log'>>,
  files: readonly { storageKey: string }[],
) {
  const store = fileStoreFor(ctx.env)
  await Promise.all(
    files.map((file) =>
      store
        .delete(file.storageKey)
        .catch((error: unknown) => ctx.log?.warn({ err: error, storageKey: file.storageKey }, 'could not remove a stored file')),
    ),
  )
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} KB`
  return `${(size / 1024 / 1024).toFixed(1)} MB`
}

/**
 * An attachment's bytes as a download, or null when its file is missing. Always a
 * download, sandboxed and never sniffed: a file someone uploaded never runs as a
 * page of this site.
 */
export async function attachmentDownload(
  ctx: Pick<ServiceContext, 'env'>,
  attachment: { filename: string; contentType: string; size: number; storageKey: string },
): Promise<Response | null> {
  const body = await fileStoreFor(ctx.env).get(attachment.storageKey)
  if (!body) return null
  const ascii = attachment.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return new Response(body, {
    headers: {
      'Content-Type': attachment.contentType,
      'Content-Length': String(attachment.size),
      'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    },
  })
}

/**
 * What a mail says, for the inbound pipeline (services/inbound-mail.server.ts):
 * whether a machine sent it (RFC 3834 and its common cousins), and the words
 * the person wrote above what their client quoted. Pure functions of the
 * parsed mail, so the rules are tested without a stack.
 */
import EmailReplyParser from 'email-reply-parser'
import { MESSAGE_MAX } from '../domain/limits.ts'
import { REPLY_MARKER } from '../lib/mail/templates.tsx'

/** The headers the auto-reply check reads, lower-cased names (mailparser's `headers` map is one). */
export interface HeaderLookup {
  get(name: string): unknown
}

const BULK_PRECEDENCE = new Set(['bulk', 'auto_reply', 'list', 'junk'])

/**
 * Why this mail is a machine's (an out-of-office, a bounce, a list, a loop of
 * our own notices), or null when a person sent it. An empty envelope sender is
 * a bounce (RFC 5321); `Auto-Submitted` other than `no` is an automatic reply
 * (RFC 3834), as are `Precedence: bulk|auto_reply|list` and `X-Autoreply`.
 */
export function automaticMailReason(headers: HeaderLookup, mailFrom: string | null | undefined): string | null {
  if (mailFrom === '') return 'empty return path (a bounce)'
  const text = (name: string) => {
    const value = headers.get(name)
    if (value === undefined || value === null) return null
    const raw = typeof value === 'object' && 'value' in value ? (value as { value: unknown }).value : value
    return String(raw).trim().toLowerCase()
  }
  const submitted = text('auto-submitted')
  if (submitted && submitted !== 'no') return `Auto-Submitted: ${submitted}`
  const precedence = text('precedence')
  if (precedence && BULK_PRECEDENCE.has(precedence)) return `Precedence: ${precedence}`
  for (const name of ['x-autoreply', 'x-autorespond', 'x-auto-response-suppress'])
    if (text(name) !== null && !(name === 'x-auto-response-suppress' && text(name) === 'none')) return `${name} header`
  if (text('list-id') !== null) return 'a mailing list (List-Id)'
  return null
}

const MARKER_LINE = new RegExp(`^[>\\s]*${REPLY_MARKER.replace(/[#]/g, '\\#')}\\s*$`)
// "On Wed, 2 Dec 2026 at 10:00, Bright Path <…> wrote:" as clients write it, over one or two lines.
const ATTRIBUTION = /^(On\s.+|Le\s.+|Am\s.+)(\n.*)?wrote:\s*$|^-{2,}\s*Original Message\s*-{2,}$|^From:\s.+$/im

/**
 * The reply itself: the text part (mailparser makes one from the HTML of an
 * HTML-only mail), cut at our marker and at the quote's attribution line, then
 * without the quoted history and the signature (email-reply-parser). At most
 * MESSAGE_MAX characters, as a portal reply.
 */
export function replyBody(parsed: { text?: string | undefined }): string {
  const lines = (parsed.text ?? '').replace(/\r\n?/g, '\n').split('\n')
  const marker = lines.findIndex((line) => MARKER_LINE.test(line))
  let above = (marker === -1 ? lines : lines.slice(0, marker)).join('\n')
  const attribution = ATTRIBUTION.exec(above)
  if (attribution && marker !== -1) above = above.slice(0, attribution.index)
  const body = new EmailReplyParser().parseReply(above).trim()
  return body.length > MESSAGE_MAX ? `${body.slice(0, MESSAGE_MAX - 1)}…` : body
}

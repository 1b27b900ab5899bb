/**
 * Reply tokens: the Reply-To of a mail about a ticket is reply+<token>@INBOUND_DOMAIN,
 * and its Message-ID carries the same token (a reply's In-Reply-To and References
 * name it when a mail client drops the Reply-To). The token names the ticket and
 * the person it was sent to, signed with HMAC-SHA256 under INBOUND_TOKEN_SECRET:
 * 16 bytes of ticket id, 16 of user id and the first 10 of the HMAC, as base64url
 * (56 characters, so the address stays within the 64 a local part may have).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

const ID_BYTES = 16
const MAC_BYTES = 10
const TOKEN_BYTES = ID_BYTES * 2 + MAC_BYTES
const TOKEN_PATTERN = '[A-Za-z0-9_-]{56}'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface ReplyTokenClaims {
  ticketId: string
  userId: string
}

function uuidBytes(uuid: string): Buffer {
  if (!UUID.test(uuid)) throw new Error(`Not a uuid: ${uuid}`)
  return Buffer.from(uuid.replaceAll('-', ''), 'hex')
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

function mac(secret: string, ids: Buffer): Buffer {
  return createHmac('sha256', secret).update('caseway-reply:').update(ids).digest().subarray(0, MAC_BYTES)
}

export function signReplyToken(secret: string, claims: ReplyTokenClaims): string {
  const ids = Buffer.concat([uuidBytes(claims.ticketId), uuidBytes(claims.userId)])
  return Buffer.concat([ids, mac(secret, ids)]).toString('base64url')
}

/** The ticket and person a token names, or null when it is not one this secret signed (compared in constant time). */
export function verifyReplyToken(secret: string, token: string): ReplyTokenClaims | null {
  if (!new RegExp(`^${TOKEN_PATTERN}$`).test(token)) return null
  const bytes = Buffer.from(token, 'base64url')
  if (bytes.length !== TOKEN_BYTES || bytes.toString('base64url') !== token) return null
  const ids = bytes.subarray(0, ID_BYTES * 2)
  if (!timingSafeEqual(bytes.subarray(ID_BYTES * 2), mac(secret, ids))) return null
  return { ticketId: uuidOf(ids.subarray(0, ID_BYTES)), userId: uuidOf(ids.subarray(ID_BYTES)) }
}

export function replyAddress(token: string, inboundDomain: string): string {
  return `reply+${token}@${inboundDomain}`
}

/** The token of a reply+<token>@domain address (any case of the domain), or null. */
export function tokenOfAddress(address: string, inboundDomain: string): string | null {
  const match = new RegExp(`^reply\\+(${TOKEN_PATTERN})@(.+)$`).exec(address.trim())
  return match && match[2]!.toLowerCase() === inboundDomain ? match[1]! : null
}

/** The Message-ID of a notice mail, carrying its reply token: <notice-<id>.<token>@domain>. */
export function noticeMessageId(notificationId: string, token: string | null, mailDomain: string): string {
  return `<notice-${notificationId}${token ? `.${token}` : ''}@${mailDomain}>`
}

/** The tokens the Message-IDs in In-Reply-To or References carry, newest first. */
export function tokensInReferences(ids: readonly string[]): string[] {
  const pattern = new RegExp(`^<?notice-[0-9a-f-]{36}\\.(${TOKEN_PATTERN})@`, 'i')
  return ids.flatMap((id) => pattern.exec(id.trim())?.[1] ?? []).reverse()
}

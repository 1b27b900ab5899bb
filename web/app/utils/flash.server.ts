/**
 * One-shot messages shown after a redirect ("Reply sent"), so a successful form
 * post ends in a redirect and a reload never submits twice. The root loader
 * reads the message and clears the cookie.
 */
import { redirect } from '@remix-run/node'
import type { CasewayContext } from '../context.ts'
import { flashCookie } from './cookies.server.ts'

export type FlashKind = 'success' | 'info' | 'error'
export interface Flash {
  kind: FlashKind
  text: string
}

function isFlash(value: unknown): value is Flash {
  if (!value || typeof value !== 'object') return false
  const { kind, text } = value as Record<string, unknown>
  return (kind === 'success' || kind === 'info' || kind === 'error') && typeof text === 'string'
}

export async function redirectWithFlash(
  ctx: Pick<CasewayContext, 'env'>,
  request: Request,
  to: string,
  flash: Flash,
  init: { headers?: HeadersInit } = {},
): Promise<Response> {
  const headers = new Headers(init.headers)
  headers.append('Set-Cookie', await flashCookie(ctx.env, request).serialize(flash))
  return redirect(to, { headers })
}

/** The pending flash (if any) and the header that clears it. */
export async function readFlash(ctx: Pick<CasewayContext, 'env'>, request: Request): Promise<{ flash: Flash | null; headers: Headers }> {
  const cookie = flashCookie(ctx.env, request)
  const value: unknown = await cookie.parse(request.headers.get('Cookie'))
  const headers = new Headers()
  if (value !== null && value !== undefined) headers.append('Set-Cookie', await cookie.serialize('', { maxAge: 0 }))
  return { flash: isFlash(value) ? value : null, headers }
}

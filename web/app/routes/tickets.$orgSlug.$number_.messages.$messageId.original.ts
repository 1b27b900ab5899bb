/**
 * The original mail a message came from (replies and requests by mail), as it
 * arrived: staff of the ticket only; its family and everyone else get 404. Plain
 * text, sandboxed and never sniffed, so a mail's HTML never runs as a page here.
 */
import type { LoaderFunctionArgs } from '@remix-run/node'
import { isStaffRole } from '../../../domain/ticket.ts'
import { isUuid } from '../utils/auth.server.ts'
import { notFound } from '../utils/http.ts'
import { requireTicketAccess } from '../utils/permissions.server.ts'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireTicketAccess(context, request, params)
  if (!isStaffRole(access.role) || !isUuid(params.messageId)) throw notFound('Mail not found')
  const mail = await context.db.inboundMail.findFirst({
    where: { messageId: params.messageId, ticketId: access.ticket.id },
    select: { raw: true },
  })
  if (!mail) throw notFound('Mail not found')
  return new Response(Buffer.from(mail.raw), {
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Disposition': `inline; filename="message-${params.messageId}.eml"`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    },
  })
}

/**
 * One attachment's bytes, for people who may see it: the ticket's family only
 * for files on public messages (never on internal notes), its organisation's
 * staff for every file. Anything else is 404, like the ticket itself.
 */
import type { LoaderFunctionArgs } from '@remix-run/node'
import { attachmentDownload } from '../../../services/attachments.server.ts'
import { isUuid } from '../utils/auth.server.ts'
import { notFound } from '../utils/http.ts'
import { requireTicketAccess } from '../utils/permissions.server.ts'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireTicketAccess(context, request, params)
  if (!isUuid(params.attachmentId)) throw notFound('File not found')
  const attachment = await context.db.attachment.findFirst({
    where: {
      id: params.attachmentId,
      ticketId: access.ticket.id,
      ...(access.role === 'family' ? { OR: [{ message: { visibility: 'public' } }, { messageId: null, uploaderId: access.user.id }] } : {}),
    },
    select: { filename: true, contentType: true, size: true, storageKey: true },
  })
  if (!attachment) throw notFound('File not found')
  const download = await attachmentDownload(context, attachment)
  if (!download) {
    context.log.error({ storageKey: attachment.storageKey, ticketId: access.ticket.id }, 'attachment row without its file')
    throw notFound('This file is no longer available')
  }
  return download
}

/**
 * The delivery workflow's activity: renders one mail from its row and hands it
 * to the SMTP server. A mail the server accepted is marked sent, so a retry
 * never sends it again (unless the worker died between the two: then it goes
 * again under the same Message-ID, which mail clients show once).
 */
import { ApplicationFailure } from '@temporalio/activity'
import type { Db } from '../lib/db.ts'
import type { Env } from '../lib/env.ts'
import type { Logger } from '../lib/log.ts'
import { renderAccountMail, renderCaseNotice, renderDigest, renderTicketNotice } from '../lib/mail/templates.tsx'
import { notFound } from '../lib/mail/ticket-notices.ts'
import { noticeMessageId, replyAddress, signReplyToken } from '../lib/mail/reply-token.ts'
import { mailAudienceOf } from '../lib/mail-audience.ts'
import { personZone } from '../lib/person-zone.ts'
import { isPermanentRefusal, mailDomain, type Mailer, type OutgoingMail } from '../lib/mail/transport.ts'
import { digestDayLabel } from '../domain/digest-schedule.ts'
import type { CaseNotification } from '../domain/case-deadlines.ts'
import type { TicketNotificationKind } from '../domain/ticket-notifications.ts'
import type { MailDeliveryInput, MailOutcome } from '../workflows/mail-delivery.messages.ts'

interface PreparedMail {
  mail: OutgoingMail
  recipient: { userId: string } | { email: string }
  sentAt: Date | null
  markSent(): Promise<void>
}

export function createMailActivities({ db, log, env, mailer }: { db: Db; log: Logger; env: Env; mailer: Mailer }) {
  const domain = mailDomain(env)
  const settingsUrl = `${env.publicUrl}/account#mail`
  // The org names the team, for staff on several (the case page reads it, a single team's too).
  const caseUrl = (kase: { number: number; org: { slug: string } }) =>
    `${env.publicUrl}/staff/cases/${kase.number}?org=${encodeURIComponent(kase.org.slug)}`

  async function noticeMail(notificationId: string): Promise<PreparedMail> {
    const notice = await db.notification.findUnique({
      where: { id: notificationId },
      select: {
        kind: true,
        text: true,
        mailedAt: true,
        user: { select: { id: true, email: true, name: true } },
        ticket: { select: { id: true, number: true, org: { select: { name: true, slug: true } } } },
        case: { select: { id: true, number: true, caseRef: true, org: { select: { name: true, slug: true } } } },
      },
    })
    if (notice?.case && !notice.ticket) {
      const { case: kase, user } = notice
      return {
        mail: {
          ...renderCaseNotice({
            kind: notice.kind as CaseNotification['kind'],
            recipientName: user.name,
            text: notice.text,
            caseRef: kase.caseRef,
            orgName: kase.org.name,
            caseUrl: caseUrl(kase),
            settingsUrl,
          }),
          to: user.email,
          messageId: noticeMessageId(notificationId, null, domain),
          thread: `<case-${kase.id}@${domain}>`,
          unsubscribeUrl: settingsUrl,
        },
        recipient: { userId: user.id },
        sentAt: notice.mailedAt,
        markSent: async () => void (await db.notification.update({ where: { id: notificationId }, data: { mailedAt: new Date() } })),
      }
    }
    if (!notice?.ticket) throw notFound('Notification', notificationId)
    const { ticket, user } = notice
    // Without a secret, replies by mail are off: the mail still goes, with no way back.
    const token = env.INBOUND_TOKEN_SECRET ? signReplyToken(env.INBOUND_TOKEN_SECRET, { ticketId: ticket.id, userId: user.id }) : null
    const content = renderTicketNotice({
      kind: notice.kind as TicketNotificationKind,
      recipientName: user.name,
      text: notice.text,
      ticketNumber: ticket.number,
      orgName: ticket.org.name,
      ticketUrl: `${env.publicUrl}/tickets/${ticket.org.slug}/${ticket.number}`,
      settingsUrl,
      repliable: token !== null,
    })
    return {
      mail: {
        ...content,
        to: user.email,
        messageId: noticeMessageId(notificationId, token, domain),
        replyTo: token ? replyAddress(token, env.INBOUND_DOMAIN) : undefined,
        thread: `<ticket-${ticket.id}@${domain}>`,
        unsubscribeUrl: settingsUrl,
      },
      recipient: { userId: user.id },
      sentAt: notice.mailedAt,
      markSent: async () => void (await db.notification.update({ where: { id: notificationId }, data: { mailedAt: new Date() } })),
    }
  }

  async function digestMail(digestMailId: string): Promise<PreparedMail> {
    const digest = await db.digestMail.findUnique({
      where: { id: digestMailId },
      select: {
        mailedAt: true,
        createdAt: true,
        user: { select: { id: true, email: true, name: true } },
        notifications: {
          orderBy: { createdAt: 'asc' },
          select: {
            text: true,
            ticket: { select: { id: true, number: true, subject: true, org: { select: { name: true, slug: true } } } },
            case: { select: { id: true, number: true, caseRef: true, org: { select: { name: true, slug: true } } } },
          },
        },
      },
    })
    if (!digest) throw notFound('DigestMail', digestMailId)
    const tickets = new Map<string, { ticketNumber: number; subject: string; orgName: string; ticketUrl: string; notices: string[] }>()
    const cases = new Map<string, { caseRef: string; orgName: string; caseUrl: string; notices: string[] }>()
    for (const { text, ticket, case: kase } of digest.notifications) {
      if (!ticket && kase) {
        const group = cases.get(kase.id) ?? { caseRef: kase.caseRef, orgName: kase.org.name, caseUrl: caseUrl(kase), notices: [] }
        group.notices.push(text)
        cases.set(kase.id, group)
      }
      if (!ticket) continue
      const group = tickets.get(ticket.id) ?? {
        ticketNumber: ticket.number,
        subject: ticket.subject,
        orgName: ticket.org.name,
        ticketUrl: `${env.publicUrl}/tickets/${ticket.org.slug}/${ticket.number}`,
        notices: [],
      }
      group.notices.push(text)
      tickets.set(ticket.id, group)
    }
    const [zone, audience] = await Promise.all([personZone(db, digest.user.id), mailAudienceOf(db, digest.user.id)])
    return {
      mail: {
        ...renderDigest({
          recipientName: digest.user.name,
          audience,
          day: digestDayLabel(digest.createdAt, zone),
          settingsUrl,
          tickets: [...tickets.values()],
          cases: [...cases.values()],
        }),
        to: digest.user.email,
        messageId: `<digest-${digestMailId}@${domain}>`,
        unsubscribeUrl: settingsUrl,
      },
      recipient: { userId: digest.user.id },
      sentAt: digest.mailedAt,
      markSent: async () => void (await db.digestMail.update({ where: { id: digestMailId }, data: { mailedAt: new Date() } })),
    }
  }

  async function accountMail(outboxEmailId: string): Promise<PreparedMail> {
    const email = await db.outboxEmail.findUnique({ where: { id: outboxEmailId } })
    if (!email) throw notFound('OutboxEmail', outboxEmailId)
    return {
      mail: { ...renderAccountMail(email), to: email.to, messageId: `<account-${outboxEmailId}@${domain}>` },
      recipient: { email: email.to },
      sentAt: email.sentAt,
      markSent: async () => void (await db.outboxEmail.update({ where: { id: outboxEmailId }, data: { sentAt: new Date() } })),
    }
  }

  return {
    /** Sends the mail once; a temporary failure throws (the workflow retries), a permanent one is recorded on the person. */
    async sendMail(input: MailDeliveryInput): Promise<MailOutcome> {
      const prepared =
        'notificationId' in input
          ? await noticeMail(input.notificationId)
          : 'digestMailId' in input
            ? await digestMail(input.digestMailId)
            : await accountMail(input.outboxEmailId)
      const person =
        'userId' in prepared.recipient
          ? { id: prepared.recipient.userId }
          : { email: { equals: prepared.recipient.email, mode: 'insensitive' as const } }
      if (prepared.sentAt) return 'already_sent'
      try {
        await mailer.send(prepared.mail)
      } catch (error) {
        if (!isPermanentRefusal(error))
          throw ApplicationFailure.retryable(`SMTP did not take the mail: ${(error as Error).message}`, 'MailNotSent')
        const problem = `${error.responseCode} ${error.response ?? error.message}`.slice(0, 500)
        await db.user.updateMany({ where: person, data: { mailProblem: problem, mailProblemAt: new Date() } })
        log.warn({ input, problem }, 'mail refused for good; recorded on the person')
        return 'refused'
      }
      await prepared.markSent()
      await db.user.updateMany({ where: { ...person, mailProblem: { not: null } }, data: { mailProblem: null, mailProblemAt: null } })
      log.info({ input, messageId: prepared.mail.messageId }, 'mail sent')
      return 'sent'
    },
  }
}

export type MailActivities = ReturnType<typeof createMailActivities>

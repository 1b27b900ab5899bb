import nodemailer from 'nodemailer'
import type { Env } from '../env.ts'
import type { MailContent } from './templates.tsx'

export interface OutgoingMail extends MailContent {
  to: string
  /** The same on every attempt, so a mail sent again after an unknown outcome is known for a copy. */
  messageId: string
  /** The ticket's root message id: mail clients thread a ticket's mails under it. */
  thread?: string
  /** The person's notification settings. */
  unsubscribeUrl?: string
  /** reply+<token>@INBOUND_DOMAIN: a reply lands on the ticket (lib/mail/reply-token.ts). */
  replyTo?: string
}

export interface Mailer {
  /** Rejects if the server did not accept the mail (isPermanentRefusal tells which failures retrying cannot fix). */
  send(mail: OutgoingMail): Promise<void>
  close(): void
}

/** The domain of MAIL_FROM's address, which every Message-ID Caseway makes ends in. */
export function mailDomain(env: Pick<Env, 'MAIL_FROM'>): string {
  return /@([^>\s]+)>?\s*$/.exec(env.MAIL_FROM)?.[1] ?? 'caseway.localhost'
}

export function createMailer(env: Pick<Env, 'smtpUrl' | 'MAIL_FROM'>): Mailer {
  const url = new URL(env.smtpUrl)
  const secure = url.protocol === 'smtps:'
  const transport = nodemailer.createTransport(
    {
      host: url.hostname,
      port: Number(url.port) || (secure ? 465 : 587),
      secure,
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      // Short timeouts: an attempt that hangs holds back the retry that would succeed.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    },
    { from: env.MAIL_FROM },
  )
  return {
    async send(mail) {
      await transport.sendMail({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        ...(mail.thread ? { inReplyTo: mail.thread, references: [mail.thread] } : {}),
        ...(mail.unsubscribeUrl ? { list: { unsubscribe: mail.unsubscribeUrl } } : {}),
        // RFC 3834: nobody typed this, so auto-responders stay quiet.
        headers: { 'Auto-Submitted': 'auto-generated' },
      })
    },
    close: () => transport.close(),
  }
}

/** The server refused the mail for good (a 5xx reply): sending it again cannot help. */
export function isPermanentRefusal(error: unknown): error is Error & { responseCode: number; response?: string } {
  const code = (error as { responseCode?: unknown } | null)?.responseCode
  return typeof code === 'number' && code >= 500 && code < 600
}

import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'
import { inject } from 'vitest'
import { caughtMailSource, type CaughtMail } from './mail-catcher.ts'

/** Sends a mail to the test stack's inbound SMTP listener (or another port), as a mail server or client would. */
export async function sendToListener(mail: Mail.Options, port = inject('stack').inboundSmtpPort) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true })
  try {
    return await transport.sendMail(mail)
  } finally {
    transport.close()
  }
}

/** The SMTP error a refused mail gets (its code and words), or null when it was taken. */
export async function refusalOf(mail: Mail.Options): Promise<{ responseCode?: number; response?: string } | null> {
  return await sendToListener(mail).then(
    () => null,
    (error: { responseCode?: number; response?: string }) => error,
  )
}

/** A caught mail's headers, unfolded, by name. */
export async function headersOf(mail: CaughtMail): Promise<(name: string) => string | undefined> {
  const source = (await caughtMailSource(mail.id)).replace(/\r?\n[ \t]+/g, ' ')
  return (name) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(source)?.[1]?.trim()
}

/** Posts a raw mail to the web server's provider webhook. */
export async function postToWebhook(raw: string, auth: Record<string, string> = {}, url = inject('stack').webUrl) {
  return await fetch(`${url}/inbound/mail`, { method: 'POST', headers: { 'Content-Type': 'message/rfc822', ...auth }, body: raw })
}

/**
 * Caseway's own SMTP listener for inbound mail (smtp-server). It takes RCPT only
 * for INBOUND_DOMAIN, refuses at RCPT a reply address whose token this server did
 * not sign (550: the sender learns at once, nothing is stored), and answers DATA
 * only once the mail is stored (services/inbound-mail.server.ts): a 250 means
 * the mail is kept whatever happens next. Over INBOUND_MAX_BYTES it answers 552.
 */
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server'
import { tokenOfAddress, verifyReplyToken } from '../lib/mail/reply-token.ts'
import type { ServiceContext } from '../services/context.ts'
import { processStoredMail, storeInboundMail } from '../services/inbound-mail.server.ts'

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code })
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export function createInboundSmtpServer(ctx: ServiceContext): SMTPServer {
  const { env } = ctx
  return new SMTPServer({
    name: env.INBOUND_DOMAIN,
    banner: 'Caseway inbound mail',
    // Mail from the world, as an MX takes it: no sign-in, no TLS of its own (a relay in front adds it).
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: env.INBOUND_MAX_BYTES,
    logger: false,
    onRcptTo(address, _session, callback) {
      const [local = '', domain] = address.address.split('@')
      if (domain?.toLowerCase() !== env.INBOUND_DOMAIN)
        return callback(smtpError(550, `5.7.1 Relaying denied: we take mail for ${env.INBOUND_DOMAIN} only`))
      if (local.toLowerCase().startsWith('reply+')) {
        // The token is case-sensitive (base64url): read from the address as sent.
        const token = tokenOfAddress(address.address, env.INBOUND_DOMAIN)
        if (!token || !env.INBOUND_TOKEN_SECRET || !verifyReplyToken(env.INBOUND_TOKEN_SECRET, token))
          return callback(smtpError(550, '5.1.1 This reply address is not valid: it was altered or not made by Caseway'))
      }
      callback()
    },
    onData(stream, session, callback) {
      void (async () => {
        const raw = await readAll(stream)
        if (stream.sizeExceeded) throw smtpError(552, `5.3.4 Message too big: at most ${env.INBOUND_MAX_BYTES} bytes`)
        const mailFrom = session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address
        const stored = await storeInboundMail(ctx, {
          raw,
          via: 'smtp',
          mailFrom,
          rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        })
        ctx.log.info({ inboundMailId: stored.id, created: stored.created, bytes: raw.length }, 'inbound mail stored')
        return stored
      })().then(
        (stored) => {
          callback(null, `Stored as ${stored.id}`)
          // After the 250: a crash from here on leaves the stored mail to the worker's sweep.
          if (stored.created) setImmediate(() => void processStoredMail(ctx, stored.id))
        },
        (error: Error & { responseCode?: number }) => {
          if (!error.responseCode) ctx.log.error({ err: error }, 'inbound mail could not be stored; the sender is asked to try again')
          callback(error.responseCode ? error : smtpError(451, '4.3.0 Could not store the mail; please try again later'))
        },
      )
    },
  })
}

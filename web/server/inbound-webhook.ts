/**
 * The provider webhook for inbound mail: `POST /inbound/mail` with the raw MIME
 * message as its body (Postmark, SendGrid and Mailgun can all post it raw),
 * authenticated by INBOUND_WEBHOOK_SECRET as an `X-Inbound-Secret` header or as
 * the password of HTTP Basic. The same pipeline as the SMTP listener: 202 once
 * the mail is stored, then it is processed. 401 without the secret (or when none
 * is set), 413 over INBOUND_MAX_BYTES, 400 for an empty body.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import type { ServiceContext } from '../../services/context.ts'
import { processStoredMail, storeInboundMail } from '../../services/inbound-mail.server.ts'
import { asyncHandler } from '../shared/async-handler.ts'

function sameSecret(given: string, secret: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(given), digest(secret))
}

function presentedSecret(req: Request): string | null {
  const header = req.get('x-inbound-secret')
  if (header) return header
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.get('authorization') ?? '')?.[1]
  if (!basic) return null
  const decoded = Buffer.from(basic, 'base64').toString('utf8')
  return decoded.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : null
}

export function inboundMailWebhook(ctx: Omit<ServiceContext, 'log'>): Router {
  const { env } = ctx
  const router = express.Router()
  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    const given = presentedSecret(req)
    if (env.INBOUND_WEBHOOK_SECRET && given && sameSecret(given, env.INBOUND_WEBHOOK_SECRET)) return next()
    res
      .status(401)
      .set('WWW-Authenticate', 'Basic realm="Caseway inbound mail"')
      .json({ error: 'The inbound mail secret is missing or wrong.' })
  }
  router.post(
    '/inbound/mail',
    authenticate,
    express.raw({ type: () => true, limit: env.INBOUND_MAX_BYTES }),
    asyncHandler(async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
      if (raw.length === 0) {
        res.status(400).json({ error: 'The body must be the raw mail (MIME), and it is empty.' })
        return
      }
      const stored = await storeInboundMail(ctx, { raw, via: 'webhook' })
      req.log.info({ inboundMailId: stored.id, created: stored.created, bytes: raw.length }, 'inbound mail stored')
      res.status(202).json({ id: stored.id, duplicate: !stored.created })
      if (stored.created) setImmediate(() => void processStoredMail({ ...ctx, log: req.log }, stored.id))
    }),
  )
  router.use('/inbound/mail', (error: { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    if (error.type === 'entity.too.large')
      return void res.status(413).json({ error: `The mail is larger than ${env.INBOUND_MAX_BYTES} bytes.` })
    if (error.status && error.status >= 400 && error.status < 500)
      return void res.status(400).json({ error: 'The body could not be read.' })
    req.log.error({ err: error }, 'inbound mail could not be stored')
    // A provider retries on 5xx: right when the database is away for a moment.
    res.status(503).json({ error: 'The mail could not be stored; please retry.' })
  })
  return router
}

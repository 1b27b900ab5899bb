/**
 * One log line per request, with an id the response carries (X-Request-Id) and
 * that every line logged while answering it repeats. No header reaches the logs
 * but the user agent (so no cookie and no Authorization), no body, and no secret
 * a URL carries (a reset link's token).
 */
import { randomBytes } from 'node:crypto'
import type { Level } from 'pino'
import { pinoHttp } from 'pino-http'
import { logFormat, type LogFormat, type Logger } from '../../lib/log.ts'

/**
 * A log collector keeps every request as an access log (info; a client's mistake
 * is a warning). A person at a terminal sees requests only at LOG_LEVEL=debug:
 * dozens a page would bury what needs them. A failure is an error for both.
 */
export function requestLogLevel(statusCode: number, failed: boolean, format: LogFormat): Level {
  if (failed || statusCode >= 500) return 'error'
  if (format === 'pretty') return 'debug'
  return statusCode >= 400 ? 'warn' : 'info'
}

/** Query parameters whose values are secrets: a password reset link's `token`. */
const SECRET_PARAMETERS = new Set(['token', 'key', 'password', 'secret'])

/** The URL as logged: each secret parameter's value replaced, the rest as sent. */
export function loggedUrl(url: string): string {
  const query = url.indexOf('?')
  if (query < 0) return url
  const parts = url.slice(query + 1).split('&')
  const redacted = parts.map((part) => {
    // URLSearchParams decodes the name as the server will ("tok%65n" is "token"), and never throws.
    const name = [...new URLSearchParams(part).keys()][0] ?? ''
    return SECRET_PARAMETERS.has(name.toLowerCase()) ? `${part.split('=', 1)[0]}=[redacted]` : part
  })
  return `${url.slice(0, query)}?${redacted.join('&')}`
}

/** Health checks, static assets and Vite's development modules would drown the rest. */
function isQuietPath(url: string): boolean {
  return /^\/(healthz|assets\/|favicon|@vite\/|@fs\/|@id\/|node_modules\/|web\/)/.test(url)
}

export function requestLogger(log: Logger, format: LogFormat = logFormat()) {
  return pinoHttp({
    logger: log,
    genReqId: (req, res) => {
      const id = req.headers['x-request-id']
      const requestId = typeof id === 'string' && /^[\w.-]{1,100}$/.test(id) ? id : randomBytes(8).toString('hex')
      res.setHeader('X-Request-Id', requestId)
      return requestId
    },
    autoLogging: { ignore: (req) => isQuietPath(req.url ?? '') },
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        url: loggedUrl(req.url),
        remoteAddress: req.remoteAddress,
        userAgent: req.headers['user-agent'],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => requestLogLevel(res.statusCode, Boolean(err), format),
  })
}

/**
 * Logs for every server process; `name` says which one. Who reads them decides
 * their form: a person at a terminal gets short, pretty lines and by default only
 * warnings and errors; a pipe, a file or a log collector gets JSON lines at info.
 * LOG_LEVEL overrides the level either way. Secrets are censored whichever.
 */
import { createRequire } from 'node:module'
import pino from 'pino'
import type PinoPretty from 'pino-pretty'

export type LogFormat = 'pretty' | 'json'

const SECRET_FIELDS = ['password', 'currentPassword', 'token', 'authorization', 'cookie', 'set-cookie']

/**
 * Where a secret could sit in a line, whoever logs it: a password, a token, a
 * cookie or an Authorization header, at the top or one level down, and in any
 * request's or response's headers. Callers log ids, not these (docs/security.md);
 * this catches a mistake.
 */
export const REDACTED_PATHS = [
  ...SECRET_FIELDS.flatMap((field) => [`["${field}"]`, `*["${field}"]`]),
  ...['req', 'res', 'request', 'response'].flatMap((where) => SECRET_FIELDS.map((field) => `${where}.headers["${field}"]`)),
  'headers',
]

/** What each reader sees unless LOG_LEVEL says otherwise: a person, what needs their attention. */
export const DEFAULT_LOG_LEVEL: Record<LogFormat, string> = { pretty: 'warn', json: 'info' }

const require = createRequire(import.meta.url)
let pinoPretty: typeof PinoPretty | null | undefined

// A development dependency: a production install has none, and logs JSON even on a terminal.
function loadPinoPretty(): typeof PinoPretty | null {
  if (pinoPretty === undefined) {
    try {
      pinoPretty = require('pino-pretty') as typeof PinoPretty
    } catch {
      pinoPretty = null
    }
  }
  return pinoPretty
}

/** Pretty for a terminal (a person reads it), JSON for anything else. */
export function logFormat(output: { isTTY?: boolean } = process.stdout): LogFormat {
  return output.isTTY && loadPinoPretty() ? 'pretty' : 'json'
}

/** Where lines go: stdout unless a test says otherwise. */
export interface LogDestination {
  write(line: string): void
}

export function createLogger(name: string, level?: string, output: { format?: LogFormat; destination?: LogDestination } = {}) {
  const format = output.format ?? logFormat()
  const pretty = format === 'pretty' ? loadPinoPretty() : null
  const options = {
    name,
    level: level ?? process.env.LOG_LEVEL ?? DEFAULT_LOG_LEVEL[pretty ? 'pretty' : 'json'],
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }
  if (!pretty) return output.destination ? pino(options, output.destination) : pino(options)
  const prettify = pretty.prettyFactory({
    translateTime: 'HH:MM:ss',
    // A request's method, path and status say enough on one line; the rest is for the JSON logs.
    ignore: 'pid,hostname,req,res,responseTime',
    messageFormat: '{if req.method}{req.method} {req.url} {end}{if res.statusCode}{res.statusCode} {end}{msg}',
  })
  // Formatted and written at once (stdout is synchronous on a terminal), so lines keep
  // their order with the start-up script's own, and the last ones before an exit are not lost.
  const destination = output.destination ?? process.stdout
  return pino(options, { write: (line: string) => destination.write(prettify(line)) })
}

export type Logger = ReturnType<typeof createLogger>

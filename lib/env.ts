/**
 * Settings for every server-side process (web, worker, scripts), parsed once with
 * zod. Every variable is documented in the README and .env.example.
 */
import path from 'node:path'
import { z } from 'zod'
import { CRASH_POINTS } from './faults.ts'

const port = z.coerce.number().int().min(1).max(65535)

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  // Unset: warn on a terminal, info for log collectors (lib/log.ts).
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  CASEWAY_DATA_DIR: z.string().default('.data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  POSTGRES_PORT: port.default(5433),
  PORT: port.default(3000),
  PUBLIC_URL: z.url().optional(),
  SESSION_SECRET: z.string().min(16).optional(),
  /** Express's `trust proxy`: how many proxies stand before the web server, or which addresses they have. */
  TRUST_PROXY: z
    .string()
    .regex(/^(\d+|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/, 'a number of hops, or addresses and subnets separated by commas')
    .transform((value) => (/^\d+$/.test(value) ? Number(value) : value))
    .optional(),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('caseway-tickets'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: z.url().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: z.stringbool().default(false),
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  /** Where mail goes (smtp:// or smtps://, with user:password@ as a provider needs). Unset: the stack's own mail catcher. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** The sender of every mail. */
  MAIL_FROM: z.string().min(3).default('Caseway <no-reply@caseway.localhost>'),
  /** Ports of the local mail catcher (MailDev: SMTP, and its web UI and REST API), used when SMTP_URL is unset. */
  MAIL_CATCHER_SMTP_PORT: port.default(1025),
  MAIL_CATCHER_UI_PORT: port.default(1080),
  /** Inbound mail: replies go to reply+<token>@INBOUND_DOMAIN, new requests to <org slug>@INBOUND_DOMAIN. */
  INBOUND_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, 'a domain name')
    .transform((domain) => domain.toLowerCase())
    .default('caseway.localhost'),
  /** Caseway's own SMTP listener for inbound mail (npm start runs it). */
  INBOUND_SMTP_PORT: port.default(2525),
  /** Signs reply tokens (HMAC-SHA256). Unset: npm start generates one into the data folder. */
  INBOUND_TOKEN_SECRET: z.string().min(16).optional(),
  /** The shared secret of the provider webhook POST /inbound/mail (X-Inbound-Secret header or Basic password). Unset: the webhook is off. */
  INBOUND_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** The largest inbound mail taken, in bytes (SMTP answers 552, the webhook 413). */
  INBOUND_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(25 * 1024 * 1024),
  /** How many mails one sender may send in an hour before the rest are stored and not posted. */
  INBOUND_RATE_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(30),
  /** A ticket its workflow has not saved, or a message it has not recorded, after this long is opened or delivered by the worker's sweep. */
  SWEEP_GRACE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Tests only (NODE_ENV=test): the process kills itself at this point (lib/faults.ts). */
  CASEWAY_FAULT: z.enum(CRASH_POINTS).optional(),
})

export type Env = z.infer<typeof EnvSchema> & {
  dataDir: string
  temporalAddress: string
  temporalUiUrl: string
  publicUrl: string
  smtpUrl: string
  /** The local mail catcher's web UI, when the stack runs one (SMTP_URL unset). */
  mailCatcherUrl: string | undefined
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')
    throw new Error(`Invalid settings in the environment (see .env.example):\n${problems}`)
  }
  const env = parsed.data
  return {
    ...env,
    dataDir: path.resolve(env.CASEWAY_DATA_DIR),
    temporalAddress: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}`,
    temporalUiUrl: (env.TEMPORAL_UI_URL ?? `http://localhost:${env.TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    smtpUrl: env.SMTP_URL ?? `smtp://127.0.0.1:${env.MAIL_CATCHER_SMTP_PORT}`,
    mailCatcherUrl: env.SMTP_URL ? undefined : `http://localhost:${env.MAIL_CATCHER_UI_PORT}`,
  }
}

/** The database URL a process must have: the stack exports it before starting children. */
export function requireDatabaseUrl(env: Env): string {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set: start the stack with `npm start`, or export it')
  return env.DATABASE_URL
}

import pino from 'pino'

/** Structured logs (JSON lines) for every server process; `name` says which one. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info') {
  return pino({ name, level })
}

export type Logger = ReturnType<typeof createLogger>

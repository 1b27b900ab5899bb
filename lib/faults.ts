/**
 * Crash points for the tests that prove a process may die anywhere: with
 * NODE_ENV=test and CASEWAY_FAULT=<point>, the process kills itself there, as
 * `kill -9` would. Outside tests they do nothing.
 */
import type { Env } from './env.ts'

export const CRASH_POINTS = [
  /** Inside the transaction that writes a new ticket's rows, before it commits. */
  'ticket-rows-writing',
  /** Just after that transaction committed, before the ticket's workflow is started. */
  'ticket-rows-written',
  /** An inbound mail stored and acknowledged (SMTP's 250, the webhook's 202), before it is processed. */
  'inbound-mail-processing',
] as const

export type CrashPoint = (typeof CRASH_POINTS)[number]

export function crashPoint(env: Pick<Env, 'NODE_ENV' | 'CASEWAY_FAULT'>, point: CrashPoint): void {
  if (env.NODE_ENV === 'test' && env.CASEWAY_FAULT === point) process.kill(process.pid, 'SIGKILL')
}

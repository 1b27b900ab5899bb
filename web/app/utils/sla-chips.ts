/**
 * SLA chips, in words first: "On track · 2d left", "At risk · 3h left",
 * "Breached · 5h ago". The queue reads the state and due time the workflow saved
 * in the ticket row; the ticket page reads each target from the live view. Pure,
 * so server and browser render the same text for the same `now`.
 */
import type { SlaKind, SlaState } from '../../../domain/sla.ts'

export const SLA_STATE_LABELS: Record<SlaState, string> = {
  on_track: 'On track',
  at_risk: 'At risk',
  breached: 'Breached',
  paused: 'Paused',
  met: 'Met',
}

/**
 * A shape per state as well as a colour and words, so no two states look alike
 * to someone who cannot tell the colours apart: Met is done (a tick), Paused waits.
 */
export const SLA_MARKS: Record<SlaState, string> = {
  on_track: '●',
  at_risk: '▲',
  breached: '■',
  paused: '‖',
  met: '✓',
}

export const SLA_KIND_LABELS: Record<SlaKind, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** "2d", "3h", "45m": the largest whole unit, rounded down, never below one minute. */
export function shortDuration(ms: number): string {
  const abs = Math.abs(ms)
  if (abs >= 2 * DAY) return `${Math.floor(abs / DAY)}d`
  if (abs >= HOUR) return `${Math.floor(abs / HOUR)}h`
  return `${Math.max(1, Math.floor(abs / MINUTE))}m`
}

/** The same, in words a screen reader says well: "2 days", "3 hours", "45 minutes". */
export function longDuration(ms: number): string {
  const abs = Math.abs(ms)
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`
  if (abs >= 2 * DAY) return plural(Math.floor(abs / DAY), 'day')
  if (abs >= HOUR) return plural(Math.floor(abs / HOUR), 'hour')
  return plural(Math.max(1, Math.floor(abs / MINUTE)), 'minute')
}

export type SlaTone = 'ok' | 'warn' | 'bad' | 'neutral'

export interface SlaChip {
  state: SlaState
  tone: SlaTone
  /** What the chip shows: "At risk · 3h left". */
  text: string
  /** What a screen reader says: "SLA at risk, 3 hours left". */
  label: string
}

export interface SlaChipInput {
  state: SlaState | null
  /** The earliest due time of the running targets (ISO or Date), or null. */
  dueAt: string | Date | null
  /** Every target as the row stores it, to find when a breached one was due. */
  targets?: readonly { kind?: string; dueAt: string | null; state: string }[]
}

/**
 * The chip for a ticket, or null when it has no SLA (no policy yet, or resolved
 * and closed tickets whose targets all stopped on time). A running target whose
 * due time has passed reads as breached even before the workflow has recorded
 * it: that is a fact, whatever the row says.
 */
export function slaChip(input: SlaChipInput, now: number): SlaChip | null {
  const due = input.dueAt === null ? null : new Date(input.dueAt).getTime()
  let state = input.state
  if (state === null) return null
  if ((state === 'on_track' || state === 'at_risk') && due !== null && due <= now) state = 'breached'
  const tone: SlaTone = state === 'on_track' ? 'ok' : state === 'at_risk' ? 'warn' : state === 'breached' ? 'bad' : 'neutral'
  const words = SLA_STATE_LABELS[state]
  if (state === 'breached') {
    const breachedDue =
      due !== null && due <= now
        ? due
        : (input.targets ?? [])
            .filter((t) => t.state === 'breached' && t.dueAt !== null)
            .map((t) => Date.parse(t.dueAt!))
            .filter((t) => Number.isFinite(t) && t <= now)
            .sort((a, b) => a - b)[0]
    return breachedDue === undefined || breachedDue === null
      ? { state, tone, text: words, label: 'SLA breached' }
      : {
          state,
          tone,
          text: `${words} · ${shortDuration(now - breachedDue)} ago`,
          label: `SLA breached ${longDuration(now - breachedDue)} ago`,
        }
  }
  if ((state === 'on_track' || state === 'at_risk') && due !== null) {
    return {
      state,
      tone,
      text: `${words} · ${shortDuration(due - now)} left`,
      label: `SLA ${words.toLowerCase()}, ${longDuration(due - now)} left`,
    }
  }
  return { state, tone, text: words, label: `SLA ${words.toLowerCase()}` }
}

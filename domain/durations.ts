/**
 * Time spent, as people type it: "90", "90m", "1h 30m", "1h30", "1.5h" or
 * "1:30", read as whole minutes; and minutes written back as "1h 30m".
 */

/** The longest single entry: a working day and then some, never a typo's 9,000 hours. */
export const MAX_ENTRY_MINUTES = 24 * 60

export const TIME_KINDS = ['call', 'letter', 'meeting', 'research', 'other'] as const
export type TimeKind = (typeof TIME_KINDS)[number]
export const TIME_KIND_LABELS: Record<TimeKind, string> = {
  call: 'Call',
  letter: 'Letter',
  meeting: 'Meeting',
  research: 'Research',
  other: 'Other',
}

/** Whole minutes, or null when the text is not a duration of 1 minute to MAX_ENTRY_MINUTES. */
export function parseDuration(text: string): number | null {
  const value = text.trim().toLowerCase().replace(/\s+/g, ' ')
  const minutes = readMinutes(value)
  return minutes !== null && Number.isInteger(minutes) && minutes >= 1 && minutes <= MAX_ENTRY_MINUTES ? minutes : null
}

function readMinutes(value: string): number | null {
  let match = /^(\d{1,4})\s*(?:m|min|mins|minutes?)?$/.exec(value)
  if (match) return Number(match[1])
  match = /^(\d{1,2}):([0-5]\d)$/.exec(value)
  if (match) return Number(match[1]) * 60 + Number(match[2])
  match = /^(\d{1,2}(?:\.\d{1,2})?)\s*(?:h|hr|hrs|hours?)$/.exec(value)
  if (match) return Math.round(Number(match[1]) * 60 * 100) / 100
  match = /^(\d{1,2})\s*(?:h|hr|hrs|hours?)\s*(\d{1,2})\s*(?:m|min|mins|minutes?)?$/.exec(value)
  if (match && Number(match[2]) < 60) return Number(match[1]) * 60 + Number(match[2])
  return null
}

/** 90 → "1h 30m", 45 → "45m", 120 → "2h". */
export function formatMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  if (!hours) return `${rest}m`
  return rest ? `${hours}h ${rest}m` : `${hours}h`
}

/**
 * Growing delays for guessing, never a lockout. An attempt at signing in or at
 * asking for a password reset is counted against keys: the email it names, a
 * browser that email signed in on before, the network it came from. Past a key's
 * free attempts, each one makes the next wait twice as long, up to a cap; a day
 * without attempts forgets them. The counts are rows in PostgreSQL, so restarts
 * keep them and every web server shares them. An attempt is counted before the
 * password is checked, in one statement per key that also refuses it while the key
 * waits: guesses sent at once cannot all slip through. A refused attempt is not
 * counted, so a stranger cannot make a family wait longer than the cap.
 */
import { createHash } from 'node:crypto'
import { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'

export type ThrottledAction = 'sign-in' | 'password-reset'
export type ThrottleSubject = 'account' | 'device' | 'network'

export interface Schedule {
  /** Attempts in a row that wait for nothing. */
  free: number
  /** The wait after the last free attempt; it doubles with each one after. */
  baseSeconds: number
  capSeconds: number
}

const MINUTE = 60
export const SCHEDULES: Record<ThrottledAction, Record<ThrottleSubject, Schedule>> = {
  'sign-in': {
    account: { free: 5, baseSeconds: 1, capSeconds: 15 * MINUTE },
    device: { free: 5, baseSeconds: 1, capSeconds: 15 * MINUTE },
    // Schools, libraries and phone networks put many families behind one address.
    network: { free: 30, baseSeconds: 1, capSeconds: 15 * MINUTE },
  },
  // Each request sends an email: few in a row, so nobody's inbox can be flooded.
  'password-reset': {
    account: { free: 3, baseSeconds: MINUTE, capSeconds: 60 * MINUTE },
    device: { free: 3, baseSeconds: MINUTE, capSeconds: 60 * MINUTE },
    network: { free: 10, baseSeconds: MINUTE, capSeconds: 60 * MINUTE },
  },
}

const FORGET_AFTER_SECONDS = 24 * 60 * MINUTE
/** Stale keys removed whenever a new one is made: the table stays as small as the day's attempts. */
const PRUNE_BATCH = 100

export interface ThrottleKey {
  key: string
  subject: ThrottleSubject
  schedule: Schedule
}

/** How an email is compared everywhere: the throttle's keys and the browser's list of accounts. */
export function emailDigest(email: string): string {
  return digest(email.trim().toLowerCase())
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32)
}

/**
 * The network an address belongs to: an IPv4 address itself, an IPv6 address
 * by its /64, which one subscriber gets whole (counting each address apart
 * would give them 2^64 tries).
 */
export function networkOf(address: string): string {
  const plain = address.replace(/%.*$/, '').toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain)
  if (mapped) return mapped[1]!
  if (!plain.includes(':')) return plain
  const [head = '', tail] = plain.split('::')
  const headGroups = head ? head.split(':') : []
  const tailGroups = tail ? tail.split(':') : []
  const groups = [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups]
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}

export function throttleKey(action: ThrottledAction, subject: ThrottleSubject, value: string): ThrottleKey {
  const id = subject === 'network' ? digest(networkOf(value)) : emailDigest(value)
  return { key: `${action}:${subject}:${id}`, subject, schedule: SCHEDULES[action][subject] }
}

export type Charge = { allowed: true; keys: ThrottleKey[] } | { allowed: false; retryAfterMs: number }

/**
 * Counts an attempt against each key in turn, unless that key must still wait:
 * then the attempt is refused with how long is left, and the keys after it are
 * not counted (callers put the network first, so a blocked sender cannot add
 * to a family's count).
 */
export async function chargeAttempt(db: Db, keys: ThrottleKey[]): Promise<Charge> {
  for (const key of keys) {
    const rows = await db.$queryRaw<{ attempts: number }[]>(chargeStatement(key))
    if (!rows[0]) return { allowed: false, retryAfterMs: await waitLeftMs(db, key) }
    if (rows[0].attempts === 1) await pruneStaleKeys(db)
  }
  return { allowed: true, keys }
}

function chargeStatement({ key, schedule }: ThrottleKey): Prisma.Sql {
  const forgotten = Prisma.sql`t."lastAt" < now() - make_interval(secs => ${FORGET_AFTER_SECONDS}::float8)`
  const counted = Prisma.sql`(CASE WHEN ${forgotten} THEN 1 ELSE t."attempts" + 1 END)`
  // The exponent is bounded so that a count in the millions cannot overflow.
  const waitAfter = (attempts: Prisma.Sql) => Prisma.sql`make_interval(secs => CASE WHEN ${attempts} < ${schedule.free}::int THEN 0
    ELSE LEAST(${schedule.capSeconds}::float8, ${schedule.baseSeconds}::float8 * power(2, LEAST(${attempts} - ${schedule.free}::int, 30))) END)`
  return Prisma.sql`
    INSERT INTO "AuthThrottle" AS t ("key", "attempts", "lastAt", "blockedUntil")
    VALUES (${key}, 1, now(), now() + ${waitAfter(Prisma.sql`1`)})
    ON CONFLICT ("key") DO UPDATE SET "attempts" = ${counted}, "lastAt" = now(), "blockedUntil" = now() + ${waitAfter(counted)}
    WHERE t."blockedUntil" <= now()
    RETURNING "attempts"`
}

async function waitLeftMs(db: Db, { key }: ThrottleKey): Promise<number> {
  const [row] = await db.$queryRaw<{ ms: number }[]>`
    SELECT (EXTRACT(EPOCH FROM "blockedUntil" - now()) * 1000)::float8 AS ms FROM "AuthThrottle" WHERE "key" = ${key}`
  // It may have ended between the two statements: the person tries again at once.
  return Math.max(1, Math.ceil(row?.ms ?? 1))
}

async function pruneStaleKeys(db: Db): Promise<void> {
  await db.$executeRaw`
    DELETE FROM "AuthThrottle" WHERE "key" IN (
      SELECT "key" FROM "AuthThrottle" WHERE "lastAt" < now() - make_interval(secs => ${FORGET_AFTER_SECONDS}::float8) LIMIT ${PRUNE_BATCH}::int)`
}

/**
 * A sign-in that proved the password: the account's and its browsers' counts
 * start again; the network's loses only this attempt, so signing in to one's own
 * account between guesses at others buys nothing.
 */
export async function attemptSucceeded(db: Pick<Db, '$executeRaw'>, keys: ThrottleKey[]): Promise<void> {
  const network = keys.filter((k) => k.subject === 'network').map((k) => k.key)
  const person = keys.filter((k) => k.subject !== 'network').map((k) => k.key)
  if (network.length)
    await db.$executeRaw`UPDATE "AuthThrottle" SET "attempts" = GREATEST("attempts" - 1, 0) WHERE "key" IN (${Prisma.join(network)})`
  if (person.length) await forgetAttempts(db, person)
}

/** Forgets the counts of these keys: a password reset proves the email is the person's. */
export async function forgetAttempts(db: Pick<Db, '$executeRaw'>, keys: string[]): Promise<void> {
  await db.$executeRaw`DELETE FROM "AuthThrottle" WHERE "key" IN (${Prisma.join(keys)})`
}

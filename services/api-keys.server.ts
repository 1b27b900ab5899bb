/**
 * Integration API keys: the one place the settings screen, the CLI and the API
 * create, list, revoke and check them.
 *
 * A key is `cwk_` followed by 32 random bytes (base64url), shown once when it is
 * made. Only its SHA-256 hash is stored: the key is long and random, so a slow
 * hash would add nothing but latency to every API request. `prefix` (the first
 * 12 characters) names it in lists and logs.
 */
import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditVia } from './audit.server.ts'

const KEY_PREFIX = 'cwk_'
const PREFIX_LENGTH = 12
/** How stale `lastUsedAt` may get: writing it on every request would add a write to every read. */
const LAST_USED_PRECISION_MS = 60_000

export const ApiKeyNameSchema = z
  .string({ error: 'Give the key a name' })
  .trim()
  .min(1, 'Give the key a name')
  .max(100, 'Keep the name under 100 characters')

export interface CreatedApiKey {
  id: string
  name: string
  prefix: string
  createdAt: Date
  /** The key itself: shown once, never stored. */
  key: string
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** Makes a key, recorded in the audit trail as made by `createdById` through `via`. */
export async function createApiKey(
  db: Db,
  input: { orgId: string; name: string; createdById?: string | null; via: AuditVia },
): Promise<CreatedApiKey> {
  const name = ApiKeyNameSchema.parse(input.name)
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`
  const createdById = input.createdById ?? null
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: { orgId: input.orgId, name, prefix: key.slice(0, PREFIX_LENGTH), hash: hashApiKey(key), createdById },
      select: { id: true, name: true, prefix: true, createdAt: true },
    })
    await recordAudit(tx, {
      orgId: input.orgId,
      actorId: createdById,
      via: input.via,
      action: 'api_key.created',
      data: { keyId: created.id, name: created.name, prefix: created.prefix },
    })
    return created
  })
  return { ...row, key }
}

export async function listApiKeys(db: Db, orgId: string) {
  return db.apiKey.findMany({
    where: { orgId },
    orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }],
    select: {
      id: true,
      name: true,
      prefix: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      createdBy: { select: { name: true, email: true } },
    },
  })
}

/** Revokes one of the organisation's keys, by id or prefix, and audits it; false if it has no such active key. */
export async function revokeApiKey(
  db: Db,
  input: { orgId: string; actorId: string | null; via: AuditVia } & ({ id: string } | { prefix: string }),
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const revoked = await tx.apiKey.updateManyAndReturn({
      where: { orgId: input.orgId, revokedAt: null, ...('id' in input ? { id: input.id } : { prefix: input.prefix }) },
      data: { revokedAt: new Date() },
      select: { id: true, name: true, prefix: true },
    })
    for (const key of revoked)
      await recordAudit(tx, {
        orgId: input.orgId,
        actorId: input.actorId,
        via: input.via,
        action: 'api_key.revoked',
        data: { keyId: key.id, name: key.name, prefix: key.prefix },
      })
    return revoked.length > 0
  })
}

export interface ApiPrincipal {
  keyId: string
  orgId: string
  name: string
  prefix: string
  /** The admin who made the key (null for keys made with the CLI, or when that person was deleted). */
  createdById: string | null
}

export type ApiKeyCheck = { status: 'ok'; principal: ApiPrincipal } | { status: 'unknown' } | { status: 'revoked' }

/** Who a presented key belongs to; marks it used (to the minute). */
export async function authenticateApiKey(db: Db, key: string): Promise<ApiKeyCheck> {
  // Anything that cannot be one of our keys is not looked up.
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return { status: 'unknown' }
  const row = await db.apiKey.findUnique({
    where: { hash: hashApiKey(key) },
    select: { id: true, orgId: true, name: true, prefix: true, createdById: true, lastUsedAt: true, revokedAt: true },
  })
  if (!row) return { status: 'unknown' }
  if (row.revokedAt) return { status: 'revoked' }
  const now = Date.now()
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
    await db.apiKey.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now - LAST_USED_PRECISION_MS) } }] },
      data: { lastUsedAt: new Date(now) },
    })
  }
  return {
    status: 'ok',
    principal: { keyId: row.id, orgId: row.orgId, name: row.name, prefix: row.prefix, createdById: row.createdById },
  }
}
